// jasmine's globals (describe, it, expect, jasmine), which tfjs-core's spec files use.
const jasmineRequire = require('jasmine-core/lib/jasmine-core/jasmine.js');
const boot = require('jasmine-core/lib/jasmine-core/node_boot.js');
globalThis.jasmine = boot(jasmineRequire);
