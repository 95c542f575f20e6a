'use strict';
/**
 * nx release "versionActions" for the cnnlab npm workspace (nx.json: release.version.versionActions).
 *
 * nx's default implementation lives in @nx/js, which is not installed here (and not published for
 * nx 24 on the registry this repo uses). This one does what the release needs, with nothing but nx:
 *   - reads and writes "version" in each released package.json;
 *   - rewrites the released siblings in dependencies/peerDependencies/optionalDependencies/devDependencies
 *     to the new version, keeping the range operator ("^0.1.0" → "^0.2.0"), so the fixed group stays in step;
 *   - afterwards, brings the other workspace manifests (the private root, tools/*, packages outside the
 *     release) in step where their range no longer accepts the new version — otherwise npm would fetch
 *     the old version from the registry instead of linking the workspace package — and refreshes
 *     package-lock.json with `npm install --package-lock-only`.
 */
const { execFileSync } = require('node:child_process');
const { readFileSync, writeFileSync } = require('node:fs');
const { join, relative, sep } = require('node:path');
const { VersionActions } = require('nx/release');
const { workspaceDirs } = require('./workspace.cjs');

const DEPENDENCY_FIELDS = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'];
// nx's own dependencies, so that releasing needs nothing beyond nx.
const fromNx = (name) => require(require.resolve(name, { paths: [require.resolve('nx/package.json')] }));
const semver = fromNx('semver');
const { applyEdits, modify } = fromNx('jsonc-parser');

function indentationOf(text) {
  return /^([ \t]+)"/m.exec(text)?.[1] ?? '  ';
}

/** Sets values in a JSON text without reformatting the rest of it (edits: [[path, value], …]). */
function editJson(text, edits) {
  const indentation = indentationOf(text);
  const formattingOptions = { insertSpaces: !indentation.includes('\t'), tabSize: indentation.includes('\t') ? 1 : indentation.length };
  for (const [path, value] of edits) text = applyEdits(text, modify(text, path, value, { formattingOptions }));
  return text;
}

/** "^0.1.0" + "0.2.0" → "^0.2.0"; the configured versionPrefix wins unless it is "auto"; a version nx already prefixed is kept. */
function rangeFor(current, version, configuredPrefix) {
  if (/^[\^~=<>]/.test(version)) return version;
  if (configuredPrefix && configuredPrefix !== 'auto') return `${configuredPrefix === '=' ? '' : configuredPrefix}${version}`;
  const prefix = /^(\^|~|>=|=)?/.exec(String(current).trim())[1] ?? '';
  return `${prefix === '=' ? '' : prefix}${version}`;
}

class CnnlabVersionActions extends VersionActions {
  constructor(...args) {
    super(...args);
    this.validManifestFilenames = ['package.json'];
    this.excludeManifestsFromFormatting = true;
  }

  manifestPath() {
    return join(this.projectGraphNode.data.root, 'package.json');
  }

  async readCurrentVersionFromSourceManifest(tree) {
    const manifestPath = this.manifestPath();
    const json = JSON.parse(tree.read(manifestPath, 'utf-8'));
    if (typeof json.version !== 'string') throw new Error(`${manifestPath} has no "version"`);
    return { currentVersion: json.version, manifestPath };
  }

  async readCurrentVersionFromRegistry(tree, metadata) {
    const json = JSON.parse(tree.read(this.manifestPath(), 'utf-8'));
    const tag = typeof metadata?.tag === 'string' ? metadata.tag : 'latest';
    const registry = typeof metadata?.registry === 'string' ? metadata.registry : undefined;
    let currentVersion = null;
    try {
      currentVersion = execFileSync('npm', ['view', `${json.name}@${tag}`, 'version', ...(registry ? ['--registry', registry] : [])], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || null;
    } catch {
      currentVersion = null;
    }
    return { currentVersion, logText: `tag=${tag}${registry ? ` registry=${registry}` : ''}` };
  }

  async readCurrentVersionOfDependency(tree, projectGraph, dependencyProjectName) {
    const json = JSON.parse(tree.read(this.manifestPath(), 'utf-8'));
    const packageName = projectGraph.nodes[dependencyProjectName]?.data.metadata?.js?.packageName ?? dependencyProjectName;
    for (const field of DEPENDENCY_FIELDS) {
      if (json[field]?.[packageName] !== undefined) return { currentVersion: json[field][packageName], dependencyCollection: field };
    }
    return { currentVersion: null, dependencyCollection: null };
  }

  async updateProjectVersion(tree, newVersion) {
    const logs = [];
    for (const { manifestPath } of this.manifestsToUpdate) {
      tree.write(manifestPath, editJson(tree.read(manifestPath, 'utf-8'), [[['version'], newVersion]]));
      logs.push(`✍️  New version ${newVersion} written to manifest: ${manifestPath}`);
    }
    return logs;
  }

  async updateProjectDependencies(tree, projectGraph, dependenciesToUpdate) {
    const byPackage = new Map();
    for (const [projectName, version] of Object.entries(dependenciesToUpdate)) {
      byPackage.set(projectGraph.nodes[projectName]?.data.metadata?.js?.packageName ?? projectName, version);
    }
    if (byPackage.size === 0) return [];
    const logs = [];
    for (const { manifestPath } of this.manifestsToUpdate) {
      const text = tree.read(manifestPath, 'utf-8');
      const json = JSON.parse(text);
      const edits = [];
      for (const field of DEPENDENCY_FIELDS) {
        for (const [name, current] of Object.entries(json[field] ?? {})) {
          const version = byPackage.get(name);
          if (version === undefined) continue;
          if (/^(file|link|workspace):/.test(current)) {
            throw new Error(`${manifestPath}: ${field}["${name}"] is "${current}"; published cnnlab packages depend on siblings by version range (e.g. "^${version}")`);
          }
          const next = rangeFor(current, version, this.finalConfigForProject.versionPrefix);
          if (next !== current) edits.push([[field, name], next]);
        }
      }
      if (edits.length) {
        tree.write(manifestPath, editJson(text, edits));
        logs.push(`✍️  Updated ${edits.length} ${edits.length === 1 ? 'dependency' : 'dependencies'} in manifest: ${manifestPath}`);
      }
    }
    return logs;
  }
}

// ---------------------------------------------------------------------------------------------

/** The root manifest and every workspace manifest, as [path relative to cwd, text]. */
function workspaceManifests(cwd) {
  const files = [join(cwd, 'package.json'), ...workspaceDirs(cwd).map((d) => join(d, 'package.json'))];
  return files.map((file) => [relative(cwd, file).split(sep).join('/'), readFileSync(file, 'utf8')]);
}

/** Brings the rest of the workspace in step with the new versions, then refreshes package-lock.json. */
async function afterAllProjectsVersioned(cwd, { dryRun, verbose }) {
  const manifests = workspaceManifests(cwd).map(([path, text]) => ({ path, text, json: JSON.parse(text) }));
  const versions = new Map(manifests.slice(1).map((m) => [m.json.name, m.json.version]));
  const changedFiles = [];
  for (const m of manifests) {
    const edits = [];
    for (const field of DEPENDENCY_FIELDS) {
      for (const [name, current] of Object.entries(m.json[field] ?? {})) {
        const version = versions.get(name);
        if (!version || name === m.json.name || /^(file|link|workspace):/.test(current) || !semver.validRange(current)) continue;
        if (semver.satisfies(version, current, { includePrerelease: true })) continue;
        const next = rangeFor(current, version, 'auto');
        edits.push([[field, name], next]);
        console.log(`${dryRun ? 'Would update' : 'Updating'} ${m.path}: ${field}["${name}"] ${current} → ${next} (the workspace's ${name} is now ${version})`);
      }
    }
    if (edits.length && !dryRun) {
      writeFileSync(join(cwd, m.path), editJson(m.text, edits));
      changedFiles.push(m.path);
    }
  }
  const command = ['install', '--package-lock-only', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline'];
  if (dryRun) {
    console.log(`Would refresh package-lock.json with: npm ${command.join(' ')}`);
    return { changedFiles: [], deletedFiles: [] };
  }
  if (verbose) console.log(`Refreshing package-lock.json: npm ${command.join(' ')}`);
  execFileSync('npm', command, { cwd, stdio: 'inherit' });
  changedFiles.push('package-lock.json');
  return { changedFiles, deletedFiles: [] };
}

module.exports = CnnlabVersionActions;
module.exports.default = CnnlabVersionActions;
module.exports.afterAllProjectsVersioned = afterAllProjectsVersioned;
