#!/usr/bin/env bash
# Checks the package as npm would publish it: packs the current dist/ (run `npm run build`
# first), lints the tarball with publint and attw, checks it has no runtime dependencies (every
# other package is an optional peer), installs it into an empty project (exactly one package)
# and uses it there the way users do (ESM, CJS, the sync worker, TypeScript with node16 and bundler
# resolution, the `proxmox` binary). Exits non-zero on the first failure.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
bin="$repo/node_modules/.bin"
work="$(mktemp -d "${TMPDIR:-/tmp}/proxmox-sdk-package.XXXXXX")"
trap 'rm -rf "$work"' EXIT
step() { printf '== package: %s\n' "$*"; }

[ -f "$repo/dist/index.js" ] || { echo "dist/ is missing: run npm run build first" >&2; exit 1; }

step "pack"
# --ignore-scripts: pack what was built and tested, never a rebuild from a prepack hook.
tarball="$(cd "$repo" && npm pack --silent --ignore-scripts --pack-destination "$work" | tail -n 1)"
tarball="$work/$tarball"
tar -tzf "$tarball" | sort >"$work/files.txt"
printf '%s files, %s bytes packed\n' "$(wc -l <"$work/files.txt")" "$(stat -c %s "$tarball")"
# Users get the build, the README, the licence and package.json; nothing else.
# dist/types/ holds the declarations, one per module (scripts/build-types.mjs), and the
# package.json that marks them CommonJS.
if unexpected="$(grep -Ev '^package/(dist/[^/]+\.(js|cjs|d\.ts|d\.cts)|dist/types/.+\.d\.ts|dist/types/package\.json|README\.md|LICENSE(\.md)?|package\.json)$' "$work/files.txt")"; then
  echo "unexpected files in the package:" >&2
  echo "$unexpected" >&2
  exit 1
fi
for required in dist/index.js dist/index.cjs dist/index.d.ts dist/index.d.cts dist/simulator.js \
  dist/pve.js dist/pve.cjs dist/pve.d.ts dist/pve.d.cts dist/pbs.js dist/pbs.cjs dist/pbs.d.ts dist/pbs.d.cts \
  dist/pmg.js dist/pmg.cjs dist/pmg.d.ts dist/pmg.d.cts dist/pdm.js dist/pdm.cjs dist/pdm.d.ts dist/pdm.d.cts \
  dist/simulator.cjs dist/simulator.d.ts dist/simulator.d.cts dist/sync-worker.js dist/sync-worker.cjs \
  dist/cli.js README.md package.json; do
  grep -qx "package/$required" "$work/files.txt" || { echo "missing from the package: $required" >&2; exit 1; }
done

step "the code keeps ?. and ?? native"
# The chunks become CommonJS through esbuild's transform (scripts/cjs-chunks.ts); tsup's sucrase
# pass turned each `?.`/`??` into a helper call that allocates on every evaluation.
if helpers="$(grep -lE '_optionalChain|_nullishCoalesce|_interopRequireWildcard' "$repo"/dist/*.cjs "$repo"/dist/*.js)"; then
  echo "sucrase helpers in the build (lowered ?. or ??):" >&2
  echo "$helpers" >&2
  exit 1
fi

step "no undici in the package: the HTTPS transport is our own HTTP/1.1 client"
# undici is a devDependency (the bench's floor); no code or declaration may name it.
if named="$(grep -rlE "['\"]undici(/[^'\"]*)?['\"]" "$repo"/dist)"; then
  echo "undici is named in the build:" >&2
  echo "$named" >&2
  exit 1
fi

step "publint"
mkdir "$work/unpacked"
tar -xzf "$tarball" -C "$work/unpacked"
"$bin/publint" "$work/unpacked/package" --pack false --strict

step "no runtime dependencies: everything beyond the SDK is an optional peer"
# Issue 19.1: an https-only user installs the SDK and nothing else; ssh2, ws and yaml are
# peers marked optional (peerDependenciesMeta), which npm does not install unasked.
node -e "
const pkg = require(process.argv[1]);
const deps = Object.keys(pkg.dependencies ?? {});
if (deps.length > 0) { console.error('runtime dependencies in the package:', deps.join(', ')); process.exit(1); }
const peers = Object.keys(pkg.peerDependencies ?? {});
const required = peers.filter((p) => pkg.peerDependenciesMeta?.[p]?.optional !== true);
if (required.length > 0) { console.error('peer dependencies not marked optional:', required.join(', ')); process.exit(1); }
console.log('dependencies: none; optional peers:', peers.join(', '));
" "$work/unpacked/package/package.json"

step "attw"
# Profile node16: TypeScript 6 deprecates moduleResolution node10 and TypeScript 7 drops it, and
# node10 cannot see subpath exports (`proxmox-sdk/simulator`) at all; every other mode must pass.
"$bin/attw" "$tarball" --profile node16 --format table-flipped

step "install into an empty project"
consumer="$work/consumer"
mkdir "$consumer"
echo '{ "name": "consumer", "version": "0.0.0", "private": true }' >"$consumer/package.json"
# --prefer-offline: the dependencies are usually in npm's cache already from this repo's install.
(cd "$consumer" && npm install --silent --prefer-offline --no-audit --no-fund "$tarball")
cp "$repo/test/package/"*.mjs "$repo/test/package/"*.cjs "$consumer/"

step "the install is exactly one package, and it works alone"
# npm's record of what it installed: every package, nested ones included.
installed="$(cd "$consumer" && node -p "Object.keys(require('./node_modules/.package-lock.json').packages).join(' ')")"
[ "$installed" = "node_modules/proxmox-sdk" ] || { echo "npm install of the tarball installed: $installed" >&2; exit 1; }
echo "installed: $installed"
(cd "$consumer" && node bare.mjs)
# The profile store and --output-format yaml, without the yaml package.
(cd "$consumer" && XDG_CONFIG_HOME="$work/xdg" npx --no-install proxmox config add bare --backend mock --user root@pam --no-secret >/dev/null)
(cd "$consumer" && XDG_CONFIG_HOME="$work/xdg" npx --no-install proxmox config show bare --output-format yaml) >"$work/bare.yaml"
grep -qx 'user: root@pam' "$work/bare.yaml" || { echo "proxmox config show --output-format yaml printed:" >&2; cat "$work/bare.yaml" >&2; exit 1; }
echo "proxmox config add/show --output-format yaml: $(grep -c . "$work/bare.yaml") lines, no yaml package"

step "optional peers are not installed, and their backends say how to get them"
# ssh2, ws and yaml are optional peers (peerDependenciesMeta): npm must not install them, nor
# anything with an install script (ssh2's native cpu-features build), for a user who did not ask.
for absent in ssh2 cpu-features ws yaml undici selfsigned otpauth; do
  [ ! -e "$consumer/node_modules/$absent" ] || { echo "installed although optional or unused: $absent" >&2; exit 1; }
done
(cd "$consumer" && node peers.mjs)
step "with ssh2 installed (npm install ssh2), backend ssh loads it and reaches the network"
(cd "$consumer" && npm install --silent --prefer-offline --no-audit --no-fund ssh2@"$(node -p "require('$repo/package.json').devDependencies.ssh2")")
(cd "$consumer" && node --input-type=module -e "
import { ProxmoxSDK } from 'proxmox-sdk';
const e = await ProxmoxSDK.connect({ host: '127.0.0.1', port: 1, backend: 'ssh', user: 'root@pam', password: 'x' })
  .then((px) => px.version.get())
  .catch((error) => error);
if (e?.code !== 'PROXMOX_CONNECTION') { console.error('expected a connection error, got', e); process.exit(1); }
console.log('ssh2 present: backend ssh got as far as the socket:', e.code);
")

step "ESM import, simulator over HTTPS"
(cd "$consumer" && node esm.mjs)
step "CJS require, mock backend"
(cd "$consumer" && node cjs.cjs)
step "import and require give the same module (the ESM entries wrap the CommonJS build)"
(cd "$consumer" && node --input-type=module -e "
import { createRequire } from 'node:module';
import * as esm from 'proxmox-sdk';
import { startSimulator } from 'proxmox-sdk/simulator';
const cjs = createRequire(import.meta.url)('proxmox-sdk');
const simCjs = createRequire(import.meta.url)('proxmox-sdk/simulator');
const names = Object.keys(esm).sort().join();
if (names !== Object.keys(cjs).sort().join()) { console.error('ESM and CJS export different names'); process.exit(1); }
if (esm.ProxmoxError !== cjs.ProxmoxError || startSimulator !== simCjs.startSimulator) { console.error('two copies of the code'); process.exit(1); }
console.log('one copy:', Object.keys(esm).length, 'names, the same objects through import and require');
")
step "sync facade (worker entry)"
(cd "$consumer" && node sync.mjs)

step "TypeScript: node16 and bundler resolution"
cat >"$consumer/typed.ts" <<'EOF'
import { type PbsClient, ProxmoxSDK, type Pve, type PveClient } from 'proxmox-sdk';
import { type RunningSimulator, startSimulator } from 'proxmox-sdk/simulator';

// The client's named types (docs/types.md).
export type Connected = Awaited<ReturnType<typeof ProxmoxSDK.connect>>;
export const sameClient = (px: Connected): PveClient => px;
export const datastores = (pbs: PbsClient) => pbs.admin.datastore.get();

export async function vmState(sim: RunningSimulator): Promise<'running' | 'stopped'> {
  const px = await ProxmoxSDK.connect({ host: sim.url, user: 'root@pam', password: 'proxmox' });
  const current: Pve.NodesNodeQemuVmidStatusCurrentGetResult = await px.nodes('pve1').qemu(100).status.current.get();
  // @ts-expect-error: no such path, so the tree is typed rather than any
  px.nodes('pve1').qemu(100).status.nonsense.get();
  await px.close();
  return current.status;
}
export const started: Promise<RunningSimulator> = startSimulator({ port: 0 });
EOF
# A PVE-only project through proxmox-sdk/pve, and a PBS one through proxmox-sdk/pbs.
cat >"$consumer/typed-pve.ts" <<'EOF'
import { ProxmoxSDK, type Pve, type PveClient, workflows } from 'proxmox-sdk/pve';

export async function running(px: PveClient): Promise<Pve.ClusterResourcesGetItem[]> {
  const all = await px.cluster.resources.get({ type: 'vm' });
  // @ts-expect-error: no such path, so the tree is typed rather than any
  px.cluster.nonsense.get();
  return all.filter((r) => r.status === 'running');
}
export const connected: Promise<PveClient> = ProxmoxSDK.connect({ host: 'pve.example.com', user: 'u@pve', password: 'p' });
export const flows = (px: PveClient) => workflows(px);
EOF
cat >"$consumer/typed-pbs.ts" <<'EOF'
import { ProxmoxSDK, type Pbs } from 'proxmox-sdk/pbs';

export async function stores(): Promise<Pbs.AdminDatastoreGetItem[]> {
  const px = await ProxmoxSDK.connect({ host: 'pbs.example.com', service: 'pbs', user: 'u@pbs', password: 'p' });
  // @ts-expect-error: no such path on PBS
  px.admin.nonsense.get();
  return px.admin.datastore.get();
}
EOF
# The same code as an ES module: under node16 typed.ts is CommonJS (the consumer has no
# "type": "module") and reads index.d.cts; typed.mts takes the import condition and reads
# index.d.ts; both re-export dist/types/, CommonJS declarations (scripts/build-types.mjs), so both paths are compiled.
cp "$consumer/typed.ts" "$consumer/typed.mts"
# skipLibCheck off: the published .d.ts files must compile under a strict consumer too.
for mode in 'node16 node16' 'esnext bundler'; do
  set -- $mode
  cat >"$consumer/tsconfig.json" <<EOF
{
  "compilerOptions": {
    "module": "$1", "moduleResolution": "$2", "target": "es2022", "lib": ["es2023", "esnext.disposable"],
    "strict": true, "exactOptionalPropertyTypes": true, "skipLibCheck": false, "noEmit": true,
    "types": ["node"], "typeRoots": ["$repo/node_modules/@types"]
  },
  "files": ["typed.ts", "typed.mts", "typed-pve.ts", "typed-pbs.ts"]
}
EOF
  echo "moduleResolution $2"
  (cd "$consumer" && "$bin/tsc" -p tsconfig.json)
done

step "TypeScript: proxmox-sdk/pve and /pbs make the compiler read that product's declarations only"
# The point of the subpaths (issue 19.1): a PVE project's compiler reads no other product's types.
for product in pve pbs; do
  echo "{ \"extends\": \"./tsconfig.json\", \"files\": [\"typed-$product.ts\"] }" >"$consumer/tsconfig.$product.json"
  (cd "$consumer" && "$bin/tsc" -p "tsconfig.$product.json" --listFilesOnly) >"$work/files-$product.txt"
  grep -q "proxmox-sdk/dist/types/generated/$product/types.d.ts" "$work/files-$product.txt" ||
    { echo "proxmox-sdk/$product: the compiler did not read $product's types" >&2; exit 1; }
  if others="$(grep -E 'proxmox-sdk/dist/types/generated/(pve|pbs|pmg|pdm)/' "$work/files-$product.txt" | grep -v "/generated/$product/")"; then
    echo "proxmox-sdk/$product: the compiler read other products' declarations:" >&2
    echo "$others" >&2
    exit 1
  fi
  echo "proxmox-sdk/$product: $(grep -c 'proxmox-sdk/dist/' "$work/files-$product.txt") declaration files, none of another product's"
done

step "npx proxmox"
(cd "$consumer" && npx --no-install proxmox --help >"$work/help.txt")
grep -q 'mock serve' "$work/help.txt" || { echo "proxmox --help does not mention mock serve" >&2; exit 1; }
(cd "$consumer" && node mock-serve.mjs)

step "ok"
