'use strict';
/**
 * Local nx plugin (nx.json "plugins"): gives every publishable workspace package (package.json without
 * "private": true) the `nx-release-publish` target that `nx release publish` runs. nx adds that target
 * itself only when @nx/js is installed; here it runs tools/release-check/nx/publish.mjs, which calls
 * `npm publish` in the package folder (nx passes --dryRun, --tag, --registry, --otp through).
 */
const { readFileSync } = require('node:fs');
const { dirname, join, relative, sep } = require('node:path');
const { workspaceDirs } = require('./workspace.cjs');

const PUBLISH_SCRIPT = 'tools/release-check/nx/publish.mjs';

module.exports = {
  name: 'cnnlab-release-publish',
  createNodes: [
    '**/package.json',
    (files, _options, context) => {
      const root = context.workspaceRoot;
      const members = new Set(workspaceDirs(root).map((d) => relative(root, d).split(sep).join('/')));
      const results = [];
      for (const file of files) {
        const projectRoot = dirname(file).split(sep).join('/');
        if (!members.has(projectRoot)) continue;
        const manifest = JSON.parse(readFileSync(join(root, file), 'utf8'));
        if (manifest.private === true) continue;
        results.push([file, {
          projects: {
            [projectRoot]: {
              targets: {
                'nx-release-publish': {
                  executor: 'nx:run-commands',
                  options: { command: `node ${PUBLISH_SCRIPT} ${projectRoot}`, cwd: '{workspaceRoot}' },
                  dependsOn: ['^nx-release-publish'],
                  cache: false,
                },
              },
            },
          },
        }]);
      }
      return results;
    },
  ],
};
