// Imported first by the kit's CLI entry, before @cnnlab/backend-torch reads
// CNNLAB_TORCH_ADDON at module evaluation: the addon run.sh builds lives in
// <kit>/addon/, not in a package's build/Release/.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

process.env.CNNLAB_TORCH_ADDON ||= join(dirname(fileURLToPath(import.meta.url)), '..', 'addon', 'cnnlab_torch.node');
