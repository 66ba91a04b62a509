#!/usr/bin/env node
// Container and provisioning checks that need no Docker engine (run by .ci/run, from the repo root):
// - docker-compose.yaml, docker-compose.ha.yaml and every provisioning/**/*.y(a)ml parse as YAML;
// - docker-compose.ha.yaml: two or more replicas on its PostgreSQL with the same three secrets,
//   behind a load balancer named wecom-relay whose upstreams (deploy/nginx.conf) are the replicas;
// - the files and folders the compose file and the Dockerfile refer to exist;
// - every variable the compose file and the provisioning files expand is set where they expand it
//   (Grafana's environment, the relay's environment) and documented in .env.example;
// - Grafana's contact point and plugin settings point at the relay service and at a relay rule,
//   and a provisioned notification policy routes alerts to each relay contact point;
// - the image sets its data dir and provisioning folder for every command (not only the CMD), the
//   data dir is a volume owned by the runtime user, and compose mounts them where the image reads;
// - compose requires no variable that nothing uses (a robot-only setup needs no app secret);
// - every value in .env.example is a marked placeholder (REPLACE_ME_…), and the README says so.
import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

const root = process.cwd();
const problems = [];
const problem = (where, message) => problems.push(`${where}: ${message}`);
const exists = (relative) => fs.existsSync(path.resolve(root, relative));

function parseYamlFile(file) {
  const text = fs.readFileSync(path.resolve(root, file), 'utf8');
  const documents = parseAllDocuments(text, { prettyErrors: true });
  const list = Array.isArray(documents) ? documents : [documents];
  for (const document of list) {
    for (const error of document.errors) {
      problem(file, `YAML error: ${error.message}`);
    }
    for (const warning of document.warnings) {
      problem(file, `YAML warning: ${warning.message}`);
    }
  }
  if (list.length !== 1) {
    problem(file, `expected one YAML document, found ${list.length}`);
  }
  return { text, value: list[0]?.toJS() ?? null };
}

function walk(dir) {
  return fs.readdirSync(path.resolve(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.posix.join(dir, entry.name);
    return entry.isDirectory() ? walk(relative) : [relative];
  });
}

/** Names expanded the way Grafana and the relay expand them: $NAME, ${NAME}, $__env{NAME}; $$ is a literal $. */
function expandedNames(text) {
  const names = new Set();
  const withoutComments = text
    .split('\n')
    .map((line) => line.replace(/(^|\s)#.*$/, ''))
    .join('\n')
    .replaceAll('$$', '');
  for (const match of withoutComments.matchAll(
    /\$__env\{([A-Za-z_][A-Za-z0-9_]*)\}|\$\{([A-Za-z_][A-Za-z0-9_]*)[^}]*\}|\$([A-Za-z_][A-Za-z0-9_]*)/g
  )) {
    const name = match[1] ?? match[2] ?? match[3];
    if (!name.startsWith('__')) {
      names.add(name);
    }
  }
  return names;
}

function envFileNames(file) {
  if (!exists(file)) {
    problem(file, 'missing');
    return new Set();
  }
  const names = new Set();
  for (const line of fs.readFileSync(path.resolve(root, file), 'utf8').split('\n')) {
    const match = /^\s*([A-Za-z_][A-Za-z0-9_]*)=/.exec(line);
    if (match) {
      names.add(match[1]);
    }
  }
  return names;
}

function environmentOf(service) {
  const environment = service?.environment ?? {};
  if (Array.isArray(environment)) {
    return new Set(environment.map((item) => String(item).split('=')[0]));
  }
  return new Set(Object.keys(environment));
}

// ---- YAML files ----
const compose = parseYamlFile('docker-compose.yaml').value ?? {};
const composeText = fs.readFileSync(path.resolve(root, 'docker-compose.yaml'), 'utf8');
const provisioningFiles = walk('provisioning').filter((file) => /\.ya?ml$/i.test(file));
if (provisioningFiles.length === 0) {
  problem('provisioning', 'no YAML files found');
}
const provisioning = Object.fromEntries(provisioningFiles.map((file) => [file, parseYamlFile(file)]));
for (const [file, { value }] of Object.entries(provisioning)) {
  if (value?.apiVersion !== 1) {
    problem(file, `apiVersion must be 1, found ${JSON.stringify(value?.apiVersion)}`);
  }
}

// ---- compose: references ----
/** Build contexts, bind mounts, volumes, env files, depends_on and extends a compose file names exist. */
function checkReferences(file, compose) {
  const services = compose.services ?? {};
  const namedVolumes = new Set(Object.keys(compose.volumes ?? {}));
  for (const [name, service] of Object.entries(services)) {
    const where = `${file} services.${name}`;
    if (service.build !== undefined) {
      const build = typeof service.build === 'string' ? { context: service.build } : service.build;
      const context = build.context ?? '.';
      const dockerfile = path.posix.join(context, build.dockerfile ?? 'Dockerfile');
      if (!exists(context)) {
        problem(where, `build context ${context} does not exist`);
      } else if (!exists(dockerfile)) {
        problem(where, `${dockerfile} does not exist`);
      }
    }
    for (const volume of service.volumes ?? []) {
      const source = typeof volume === 'string' ? volume.split(':')[0] : volume.source;
      if (source.startsWith('.') || source.startsWith('/')) {
        if (!exists(source)) {
          problem(where, `bind-mount source ${source} does not exist`);
        }
      } else if (!namedVolumes.has(source)) {
        problem(where, `volume ${source} is not declared under top-level volumes`);
      }
    }
    for (const envFile of [service.env_file ?? []].flat()) {
      if (!exists(typeof envFile === 'string' ? envFile : envFile.path)) {
        problem(where, `env_file ${JSON.stringify(envFile)} does not exist`);
      }
    }
    const dependsOn = Array.isArray(service.depends_on) ? service.depends_on : Object.keys(service.depends_on ?? {});
    for (const dependency of dependsOn) {
      if (!services[dependency]) {
        problem(where, `depends_on ${dependency}: no such service`);
      }
    }
    if (service.extends) {
      const base = service.extends.file ? parseYamlFile(service.extends.file).value : compose;
      if (!base?.services?.[service.extends.service]) {
        problem(where, `extends ${service.extends.service} of ${service.extends.file ?? file}: no such service`);
      }
    }
  }
}
const services = compose.services ?? {};
const namedVolumes = new Set(Object.keys(compose.volumes ?? {}));
if (!services.grafana || !services['wecom-relay']) {
  problem('docker-compose.yaml', 'expected services "grafana" and "wecom-relay"');
}
checkReferences('docker-compose.yaml', compose);

// ---- compose: variables come from .env (documented in .env.example) ----
const documented = envFileNames('.env.example');
function checkVariables(file, text) {
  for (const match of text.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)(:?[-?][^}]*)?\}/g)) {
    const [, name, modifier = ''] = match;
    if (!modifier.startsWith(':-') && !modifier.startsWith('-') && !documented.has(name)) {
      problem(file, `\${${name}} has no default and is not in .env.example`);
    }
  }
}
checkVariables('docker-compose.yaml', composeText);

// ---- docker-compose.ha.yaml: replicas on PostgreSQL behind the load balancer ----
const ha = parseYamlFile('docker-compose.ha.yaml').value ?? {};
checkReferences('docker-compose.ha.yaml', ha);
checkVariables('docker-compose.ha.yaml', fs.readFileSync(path.resolve(root, 'docker-compose.ha.yaml'), 'utf8'));
const replicas = Object.entries(ha.services ?? {}).filter(
  ([, service]) => service.environment?.WECOM_RELAY_DATABASE_URL
);
if (replicas.length < 2) {
  problem('docker-compose.ha.yaml', 'expected at least two relay replicas with WECOM_RELAY_DATABASE_URL');
}
for (const [name, service] of replicas) {
  const host = /@([^:/]+)/.exec(service.environment.WECOM_RELAY_DATABASE_URL)?.[1];
  if (!ha.services[host]) {
    problem(`docker-compose.ha.yaml services.${name}`, `its database host ${host} is not a compose service`);
  }
  for (const secret of ['WECOM_RELAY_ADMIN_TOKEN', 'WECOM_RELAY_INGEST_TOKEN', 'WECOM_RELAY_SECRET_KEY']) {
    if (!service.environment[secret]) {
      problem(`docker-compose.ha.yaml services.${name}`, `replicas must all get ${secret}`);
    }
  }
}
// Grafana's provisioning names the relay wecom-relay:8686: in HA that must be the load balancer.
const balancer = ha.services?.['wecom-relay'];
const nginxConf = exists('deploy/nginx.conf') ? fs.readFileSync(path.resolve(root, 'deploy/nginx.conf'), 'utf8') : '';
const upstreams = [...nginxConf.matchAll(/^\s*server\s+([\w.-]+):(\d+)/gm)].map((match) => match[1]);
if (!balancer || !(balancer.volumes ?? []).some((volume) => String(volume).startsWith('./deploy/nginx.conf:'))) {
  problem('docker-compose.ha.yaml', 'the service wecom-relay must be the load balancer with deploy/nginx.conf');
}
if (
  upstreams.sort().join() !==
  replicas
    .map(([name]) => name)
    .sort()
    .join()
) {
  problem(
    'deploy/nginx.conf',
    `upstream servers ${upstreams.join(', ')} are not the replicas ${replicas.map(([name]) => name).join(', ')}`
  );
}

// ---- mounts: who reads which provisioning folder ----
const mounts = (service) =>
  (service?.volumes ?? []).map((volume) =>
    typeof volume === 'string' ? volume.split(':') : [volume.source, volume.target]
  );
const grafanaMounts = mounts(services.grafana);
const relayMounts = mounts(services['wecom-relay']);
for (const folder of ['plugins', 'alerting']) {
  if (
    !grafanaMounts.some(
      ([source, target]) =>
        path.posix.normalize(source) === `provisioning/${folder}` && target === `/etc/grafana/provisioning/${folder}`
    )
  ) {
    problem(
      'docker-compose.yaml',
      `grafana must mount ./provisioning/${folder} at /etc/grafana/provisioning/${folder}`
    );
  }
}
if (grafanaMounts.some(([source]) => /^(\.\/)?provisioning(\/relay)?\/?$/.test(source))) {
  problem(
    'docker-compose.yaml',
    'grafana must not mount provisioning/ or provisioning/relay (the relay file is not Grafana provisioning)'
  );
}
const relayMount = relayMounts.find(([source]) => path.posix.normalize(source) === 'provisioning/relay');
if (!relayMount) {
  problem('docker-compose.yaml', 'wecom-relay must mount ./provisioning/relay');
}

// ---- Dockerfile ----
const dockerfile = exists('Dockerfile') ? fs.readFileSync(path.resolve(root, 'Dockerfile'), 'utf8') : '';
if (!dockerfile) {
  problem('Dockerfile', 'missing');
}
const dockerignore = exists('.dockerignore')
  ? fs
      .readFileSync(path.resolve(root, '.dockerignore'), 'utf8')
      .split('\n')
      .map((line) => line.trim())
  : [];
for (const match of dockerfile.matchAll(/^COPY\s+(?!--from)((?:--\S+\s+)*)(.+)$/gm)) {
  const parts = match[2].trim().split(/\s+/);
  for (const source of parts.slice(0, -1)) {
    if (!exists(source)) {
      problem('Dockerfile', `COPY source ${source} does not exist`);
    }
    const clean = source.replace(/^\.\//, '').replace(/\/$/, '');
    if (dockerignore.includes('*') && !dockerignore.includes(`!${clean}`) && !dockerignore.includes(`!${clean}/`)) {
      problem('.dockerignore', `COPY source ${source} is not allowed in (add !${clean})`);
    }
  }
}
/** ENV NAME=value pairs of the final stage (the runtime image). */
const runtimeStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
const imageEnv = new Map();
for (const match of runtimeStage.matchAll(/^ENV\s+((?:[^\n]*\\\n)*[^\n]*)$/gm)) {
  for (const pair of match[1].replaceAll('\\\n', ' ').matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|\S+)/g)) {
    imageEnv.set(pair[1], pair[2].replace(/^"|"$/g, ''));
  }
}
const imageDataDir = imageEnv.get('WECOM_RELAY_DATA_DIR');
const imageProvisioning = imageEnv.get('WECOM_RELAY_PROVISIONING');
if (!imageDataDir || !imageProvisioning) {
  problem(
    'Dockerfile',
    'the runtime stage must set ENV WECOM_RELAY_DATA_DIR and WECOM_RELAY_PROVISIONING, so that every command run in the container (send-test, validate) reads what serve reads'
  );
}
if (/--data-dir|--provisioning/.test(runtimeStage.split('\n').find((line) => line.startsWith('CMD')) ?? '')) {
  problem('Dockerfile', 'CMD must not pass --data-dir or --provisioning: the ENV sets them for every command');
}
if (imageDataDir) {
  const volumes = [...runtimeStage.matchAll(/^VOLUME\s+(.+)$/gm)].flatMap((match) =>
    match[1].trim().startsWith('[') ? JSON.parse(match[1]) : match[1].trim().split(/\s+/)
  );
  if (!volumes.includes(imageDataDir)) {
    problem('Dockerfile', `the data dir ${imageDataDir} must be a declared VOLUME`);
  }
  const user = /^USER\s+(\S+)/m.exec(runtimeStage)?.[1];
  const beforeUser = runtimeStage.slice(0, runtimeStage.search(/^USER\s/m));
  const owned = [...beforeUser.matchAll(/chown\s+(?:-R\s+)?([^:\s]+)(?::\S+)?\s+([^&\n\\]+)/g)].some(
    ([, owner, paths]) => owner === user && paths.trim().split(/\s+/).includes(imageDataDir)
  );
  if (!user || !owned) {
    problem(
      'Dockerfile',
      `the data dir ${imageDataDir} must be chowned to the runtime USER (${user ?? 'none'}) before USER`
    );
  }
  const dataMount = relayMounts.find(([source]) => namedVolumes.has(source));
  if (!dataMount) {
    problem('docker-compose.yaml', `wecom-relay must mount a named volume at ${imageDataDir}`);
  } else if (dataMount[1] !== imageDataDir) {
    problem(
      'docker-compose.yaml',
      `wecom-relay mounts its data volume at ${dataMount[1]}, but the image uses ${imageDataDir}`
    );
  }
}
if (imageProvisioning && relayMount && relayMount[1] !== imageProvisioning) {
  problem(
    'docker-compose.yaml',
    `wecom-relay mounts provisioning/relay at ${relayMount[1]}, but the image reads ${imageProvisioning}`
  );
}
for (const [pattern, what] of [
  [/^EXPOSE\s+8686\b/m, 'EXPOSE 8686'],
  [/^HEALTHCHECK\b.*healthz/ms, 'a HEALTHCHECK on /healthz'],
  [/^USER\s+(?!root\b)\S+/m, 'a non-root USER'],
]) {
  if (!pattern.test(dockerfile)) {
    problem('Dockerfile', `expected ${what}`);
  }
}

// ---- provisioning variables are set where they are expanded ----
const grafanaEnvironment = environmentOf(services.grafana);
const relayEnvironment = environmentOf(services['wecom-relay']);
for (const [file, { text }] of Object.entries(provisioning)) {
  const isRelay = file.startsWith('provisioning/relay/');
  const environment = isRelay ? relayEnvironment : grafanaEnvironment;
  for (const name of expandedNames(text)) {
    if (!environment.has(name)) {
      problem(
        file,
        `expands ${name}, which docker-compose.yaml does not set for ${isRelay ? 'wecom-relay' : 'grafana'}`
      );
    }
    if (!documented.has(name)) {
      problem(file, `expands ${name}, which .env.example does not document`);
    }
  }
}

// ---- Grafana points at the relay service and at relay rules ----
const relayRules = new Set(
  Object.entries(provisioning)
    .filter(([file]) => file.startsWith('provisioning/relay/'))
    .flatMap(([, { value }]) => (value?.rules ?? []).map((rule) => rule.uid))
);
const checkRelayUrl = (where, url) => {
  let parsed;
  try {
    parsed = new URL(url);
  } catch {
    problem(where, `${url} is not a URL`);
    return undefined;
  }
  if (!services[parsed.hostname]) {
    problem(where, `${url}: host ${parsed.hostname} is not a compose service`);
  }
  const ports = (services[parsed.hostname]?.ports ?? []).map(String);
  if (services[parsed.hostname] && !ports.some((port) => port.split(':').at(-1).split('/')[0] === parsed.port)) {
    problem(where, `${url}: port ${parsed.port} is not a port of ${parsed.hostname}`);
  }
  return parsed;
};
for (const [file, { value }] of Object.entries(provisioning)) {
  for (const app of value?.apps ?? []) {
    if (app.type === 'wecomrelay-app') {
      checkRelayUrl(`${file} apps[wecomrelay-app].jsonData.relayUrl`, app.jsonData?.relayUrl ?? '');
      if (!app.secureJsonData?.adminToken) {
        problem(file, 'wecomrelay-app needs secureJsonData.adminToken');
      }
    }
  }
  for (const contactPoint of value?.contactPoints ?? []) {
    for (const receiver of contactPoint.receivers ?? []) {
      const where = `${file} contact point "${contactPoint.name}"`;
      if (receiver.type !== 'webhook') {
        continue;
      }
      const url = checkRelayUrl(where, receiver.settings?.url ?? '');
      const rule = url && /^\/hooks\/(?:grafana|alertmanager)\/([^/]+)$/.exec(url.pathname)?.[1];
      if (url && !rule) {
        problem(where, `${url.href} is not {relay}/hooks/grafana/{ruleUid}`);
      } else if (rule && !relayRules.has(rule)) {
        problem(where, `posts to rule "${rule}", which provisioning/relay does not define`);
      }
      if (!receiver.settings?.authorization_credentials && !receiver.settings?.password) {
        problem(where, 'sends no ingest token (authorization_credentials)');
      }
    }
  }
}

// ---- compose requires only what is used ----
for (const [serviceName, environment, isRelay] of [
  ['grafana', services.grafana?.environment ?? {}, false],
  ['wecom-relay', services['wecom-relay']?.environment ?? {}, true],
]) {
  const expanded = new Set(
    Object.entries(provisioning)
      .filter(([file]) => file.startsWith('provisioning/relay/') === isRelay)
      .flatMap(([, { text }]) => [...expandedNames(text)])
  );
  for (const [name, value] of Object.entries(environment)) {
    const required = /^\$\{([A-Za-z_][A-Za-z0-9_]*):?\?/.exec(String(value))?.[1];
    if (!required) {
      continue;
    }
    const readByRelay = isRelay && required.startsWith('WECOM_RELAY_');
    if (!readByRelay && !expanded.has(required) && !expanded.has(name)) {
      problem(
        `docker-compose.yaml services.${serviceName}`,
        `requires ${required}, which nothing active in its provisioning uses: make it optional (\${${required}:-})`
      );
    }
  }
}

// ---- .env.example holds marked placeholders only ----
for (const [index, line] of fs.readFileSync(path.resolve(root, '.env.example'), 'utf8').split('\n').entries()) {
  const match = /^\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
  if (match && !match[2].trim().startsWith('REPLACE_ME_')) {
    problem(
      `.env.example:${index + 1}`,
      `${match[1]}'s value must be a marked placeholder (REPLACE_ME_…), not a value that looks real`
    );
  }
}
const readme = exists('README.md') ? fs.readFileSync(path.resolve(root, 'README.md'), 'utf8') : '';
const containersSection = /^## Containers\n([\s\S]*?)(?=^## )/m.exec(readme)?.[1] ?? '';
if (!containersSection.includes('REPLACE_ME')) {
  problem('README.md', 'the Containers section must say to replace the REPLACE_ME_… placeholders');
}

// ---- a notification policy routes to every relay contact point ----
const contactPointNames = new Set();
const relayContactPoints = new Map();
const policyReceivers = new Map();
const collectReceivers = (route, file) => {
  if (route?.receiver) {
    policyReceivers.set(route.receiver, file);
  }
  for (const child of route?.routes ?? []) {
    collectReceivers(child, file);
  }
};
for (const [file, { value }] of Object.entries(provisioning)) {
  if (file.startsWith('provisioning/relay/')) {
    continue;
  }
  for (const contactPoint of value?.contactPoints ?? []) {
    contactPointNames.add(contactPoint.name);
    if ((contactPoint.receivers ?? []).some((receiver) => receiver.type === 'webhook')) {
      relayContactPoints.set(contactPoint.name, file);
    }
  }
  for (const policy of value?.policies ?? []) {
    collectReceivers(policy, file);
  }
}
for (const [name, file] of relayContactPoints) {
  if (!policyReceivers.has(name)) {
    problem(
      file,
      `no provisioned notification policy routes to contact point "${name}" (add policies: with receiver: ${name})`
    );
  }
}
for (const [name, file] of policyReceivers) {
  if (!contactPointNames.has(name)) {
    problem(file, `the notification policy routes to "${name}", which is not a provisioned contact point`);
  }
}

const pluginJson = JSON.parse(fs.readFileSync(path.resolve(root, 'src/plugin.json'), 'utf8'));
if (!(pluginJson.routes ?? []).some((route) => route.path === 'relay/*' && route.url.includes('.JsonData.relayUrl'))) {
  problem('src/plugin.json', 'expected a "relay/*" route to {{ .JsonData.relayUrl }}');
}

if (problems.length > 0) {
  console.error(`${problems.length} problem(s):\n${problems.map((line) => `  - ${line}`).join('\n')}`);
  process.exit(1);
}
console.log(
  `ok: docker-compose.yaml, Dockerfile, .dockerignore, .env.example and ${provisioningFiles.length} provisioning file(s): ${provisioningFiles.join(', ')}`
);
