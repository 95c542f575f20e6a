// Runs the CLI as its own process (for commands that serve or train until killed).
import { main } from '../../src/main.js';

await main(['node', 'cnnlab', ...process.argv.slice(2)]);
