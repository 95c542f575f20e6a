import { setTestEnvs } from '@tensorflow/tfjs-core/dist/jasmine_util.js';
import { registerTorchBackend } from '../../src/index.js';

await registerTorchBackend({ threads: 2 });
setTestEnvs([{ name: 'torch', backendName: 'torch', isDataSync: true }]);
