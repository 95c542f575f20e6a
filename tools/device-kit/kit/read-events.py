"""Reads every run under a logdir with TensorBoard's own event reader and prints
one JSON object: per run, its scalar tags with their step count and last value."""
import json
import sys

from tensorboard.backend.event_processing import event_multiplexer

logdir = sys.argv[1]
mux = event_multiplexer.EventMultiplexer()
mux.AddRunsFromDirectory(logdir)
mux.Reload()
runs = {}
for run, tags in mux.Runs().items():
    scalars = {}
    for tag in tags.get('scalars', []):
        events = mux.Scalars(run, tag)
        scalars[tag] = {'steps': len(events), 'last': events[-1].value if events else None}
    runs[run] = {'scalars': scalars, 'tensors': len(tags.get('tensors', []))}
print(json.dumps({'runs': runs}))
