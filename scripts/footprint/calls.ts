/**
 * The 50 typed PVE calls the footprint script compiles, written once and rendered for each
 * library: this SDK's fluent tree (`px.nodes('pve1').qemu(100).status.start.post()`) and npm
 * proxmox-api's (`pa.nodes.$('pve1').qemu.$(100).status.start.$post()`). The same paths,
 * verbs and parameters, so the compilers do the same job.
 */

/** A path segment: a name, or a name followed by an id (`['qemu', 100]`). */
export type Segment = string | readonly [name: string, id: string | number];
export type Verb = 'get' | 'post' | 'put' | 'delete';
/** Segments, verb, and the parameters as TypeScript source (an object literal), if any. */
export type Call = readonly [segments: readonly Segment[], verb: Verb, params?: string];

const node: Segment = ['nodes', 'pve1'];
const vm: Segment[] = [node, ['qemu', 100]];
const ct: Segment[] = [node, ['lxc', 200]];

export const CALLS: readonly Call[] = [
  [['nodes'], 'get'],
  [['cluster', 'resources'], 'get', "{ type: 'vm' }"],
  [['cluster', 'status'], 'get'],
  [['cluster', 'nextid'], 'get'],
  [['version'], 'get'],
  [[node, 'status'], 'get'],
  [[node, 'qemu'], 'get'],
  [
    [node, 'qemu'],
    'post',
    "{ vmid: 100, name: 'vm', cores: 2, sockets: 1, net0: 'virtio,bridge=vmbr0', scsi0: 'local-lvm:8', ostype: 'l26' }",
  ],
  [[...vm, 'status', 'current'], 'get'],
  [[...vm, 'status', 'start'], 'post'],
  [[...vm, 'status', 'stop'], 'post'],
  [[...vm, 'status', 'shutdown'], 'post', '{ timeout: 60 }'],
  [[...vm, 'status', 'reboot'], 'post'],
  [[...vm, 'status', 'suspend'], 'post'],
  [[...vm, 'status', 'resume'], 'post'],
  [[...vm, 'config'], 'get'],
  [[...vm, 'config'], 'put', '{ cores: 4 }'],
  [[...vm, 'config'], 'post', '{ cores: 2 }'],
  [[...vm, 'snapshot'], 'get'],
  [[...vm, 'snapshot'], 'post', "{ snapname: 's1' }"],
  [[...vm, ['snapshot', 's1']], 'delete'],
  [[...vm, ['snapshot', 's1'], 'rollback'], 'post'],
  [[...vm, 'clone'], 'post', '{ newid: 101 }'],
  [[...vm, 'migrate'], 'post', "{ target: 'pve2' }"],
  [[...vm, 'resize'], 'put', "{ disk: 'scsi0', size: '+1G' }"],
  [[...vm, 'agent', 'get-fsinfo'], 'get'],
  [[...vm, 'agent', 'network-get-interfaces'], 'get'],
  [[...vm, 'agent', 'ping'], 'post'],
  [[...vm], 'delete'],
  [[...vm, 'rrddata'], 'get', "{ timeframe: 'hour' }"],
  [[node, 'lxc'], 'get'],
  [[node, 'lxc'], 'post', "{ vmid: 200, ostemplate: 'local:vztmpl/debian.tar.zst' }"],
  [[...ct, 'status', 'start'], 'post'],
  [[...ct, 'status', 'current'], 'get'],
  [[...ct, 'config'], 'get'],
  [[...ct, 'config'], 'put', '{ cores: 2 }'],
  [[node, 'storage'], 'get'],
  [[node, ['storage', 'local'], 'content'], 'get', "{ content: 'iso' }"],
  [[node, ['storage', 'local'], 'status'], 'get'],
  [[node, 'tasks'], 'get', '{ limit: 10 }'],
  [[node, ['tasks', 'UPID:pve1:1'], 'status'], 'get'],
  [[node, ['tasks', 'UPID:pve1:1'], 'log'], 'get', '{ start: 0, limit: 50 }'],
  [[node, 'network'], 'get'],
  [[node, 'services'], 'get'],
  [[node, 'version'], 'get'],
  [['access', 'users'], 'get'],
  [['access', 'users'], 'post', "{ userid: 'ci@pve' }"],
  [['access', 'acl'], 'put', "{ path: '/', roles: 'PVEAdmin', users: 'ci@pve' }"],
  [['pools'], 'get'],
  [['storage'], 'get'],
];

const member = (name: string) => (/^[A-Za-z_$][\w$]*$/.test(name) ? `.${name}` : `[${JSON.stringify(name)}]`);
const literal = (value: string | number) => JSON.stringify(value);

/** The call in this SDK's fluent tree, on a client named `px`. */
export function sdkCall([segments, verb, params]: Call): string {
  const path = segments
    .map((s) => (typeof s === 'string' ? member(s) : `${member(s[0])}(${literal(s[1])})`))
    .join('');
  return `px${path}.${verb}(${params ?? ''})`;
}

/** The call in proxmox-api's tree, on a client named `pa`. */
export function peerCall([segments, verb, params]: Call): string {
  const path = segments
    .map((s) => (typeof s === 'string' ? member(s) : `${member(s[0])}.$(${literal(s[1])})`))
    .join('');
  return `pa${path}.$${verb}(${params ?? ''})`;
}

/** A module that makes every call and returns the results, so each result type is computed. */
export function callsModule(header: string, calls: readonly string[]): string {
  const lines = calls.map((call, i) => `  const r${i} = await ${call};`);
  const results = calls.map((_, i) => `r${i}`).join(', ');
  return `${header}\nexport async function fifty() {\n${lines.join('\n')}\n  return [${results}];\n}\n`;
}
