// The device kit's CLI entry, bundled by esbuild into <kit>/cli/cnnlab.mjs.
// Core imports the torch engine and the architecture families through variable
// specifiers (they are optional), which a bundler cannot follow; so they are
// imported here statically, and the kit's node_modules/ holds one-line shims
// that hand the bundled modules back (see shims.ts).
import './kit-addon-path.js';
import * as torch from '@cnnlab/backend-torch';
import '@cnnlab/arch-lenet';
import '@cnnlab/arch-alexnet';
import '@cnnlab/arch-vgg';
import '@cnnlab/arch-nin';
import '@cnnlab/arch-googlenet';
import '@cnnlab/arch-resnet';
import '@cnnlab/arch-densenet';
import '@cnnlab/arch-regnet';
import { main } from '@cnnlab/cli';
import { KIT_TORCH_GLOBAL } from './shims.js';

(globalThis as Record<symbol, unknown>)[KIT_TORCH_GLOBAL] = torch;
await main();
