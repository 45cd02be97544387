/**
 * The optional peer dependencies and what each enables, for the footprint report: an
 * https-only install carries none of them, and each is one `npm install` away (issue 19.1).
 * A peer in package.json without a line here fails the report, so that a new one gets
 * its sentence (and its docs/backends.md row).
 */

export const PEER_FEATURES: Readonly<Record<string, string>> = {
  ssh2: 'the `ssh` backend (pure-JavaScript ssh; its native speed-up cpu-features builds when a compiler is there)',
  ws: 'consoles: `proxmox console`, `shell`, `vnc` and the SDK terminal and VNC sockets',
  yaml: 'YAML beyond config files: anchors and aliases, tags, several documents, complex keys',
};

export interface Peer {
  name: string;
  /** What `npm install` is given: the version this repository tests with, else the peer range. */
  spec: string;
  enables: string;
}

interface Manifest {
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  devDependencies?: Record<string, string>;
}

/** The package's peers, each optional and described; throws on one that is not. */
export function optionalPeers(manifest: Manifest): Peer[] {
  return Object.entries(manifest.peerDependencies ?? {}).map(([name, range]) => {
    if (manifest.peerDependenciesMeta?.[name]?.optional !== true) {
      throw new Error(`peer dependency ${name} is not optional: every install would need it`);
    }
    const enables = PEER_FEATURES[name];
    if (enables === undefined)
      throw new Error(`peer dependency ${name}: say what it enables in scripts/footprint/peers.ts`);
    return { name, spec: `${name}@${manifest.devDependencies?.[name] ?? range}`, enables };
  });
}

/** The report's table of peers with what installing each adds. */
export function peerTable(
  peers: readonly Peer[],
  sizes: readonly { bytes: number; packages: number; names: string[] }[],
  mb: (bytes: number) => string,
): string {
  const lines = [
    '| optional peer | enables | `npm install` adds | packages |',
    '|---|---|---|---|',
    ...peers.map((peer, i) => {
      const size = sizes[i]!;
      return `| \`${peer.spec}\` | ${peer.enables} | ${mb(size.bytes)} | ${size.packages} (${size.names.join(', ')}) |`;
    }),
  ];
  return lines.join('\n');
}
