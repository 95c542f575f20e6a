import '@tensorflow/tfjs';
import { setTestEnvs } from '@tensorflow/tfjs-core/dist/jasmine_util.js';

// tfjs's own test environment for its cpu backend (tfjs-backend-cpu's setup_test).
setTestEnvs([{ name: 'cpu', backendName: 'cpu', isDataSync: true }]);
