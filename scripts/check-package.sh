#!/usr/bin/env bash
# Checks the package as npm would publish it: packs the current dist/ (run `npm run build`
# first), lints the tarball with publint and attw, installs it into an empty project and uses
# it there the way users do (ESM, CJS, the sync worker, TypeScript with node16 and bundler
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
if unexpected="$(grep -Ev '^package/(dist/[^/]+\.(js|cjs|d\.ts|d\.cts)|README\.md|LICENSE(\.md)?|package\.json)$' "$work/files.txt")"; then
  echo "unexpected files in the package:" >&2
  echo "$unexpected" >&2
  exit 1
fi
for required in dist/index.js dist/index.cjs dist/index.d.ts dist/index.d.cts dist/simulator.js \
  dist/simulator.cjs dist/simulator.d.ts dist/simulator.d.cts dist/sync-worker.js dist/sync-worker.cjs \
  dist/cli.js README.md package.json; do
  grep -qx "package/$required" "$work/files.txt" || { echo "missing from the package: $required" >&2; exit 1; }
done

step "publint"
mkdir "$work/unpacked"
tar -xzf "$tarball" -C "$work/unpacked"
"$bin/publint" "$work/unpacked/package" --pack false --strict

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

step "optional peers are not installed, and their backends say how to get them"
# ssh2 is an optional peer (peerDependenciesMeta): npm must not install it, nor anything with an
# install script (ssh2's native cpu-features build), for a user who did not ask for it.
for absent in ssh2 cpu-features selfsigned otpauth; do
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
step "sync facade (worker entry)"
(cd "$consumer" && node sync.mjs)

step "TypeScript: node16 and bundler resolution"
cat >"$consumer/typed.ts" <<'EOF'
import { ProxmoxSDK, type Pve } from 'proxmox-sdk';
import { type RunningSimulator, startSimulator } from 'proxmox-sdk/simulator';

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
# The same code as an ES module: under node16 typed.ts is CommonJS (the consumer has no
# "type": "module") and reads index.d.cts; typed.mts takes the import condition and reads
# index.d.ts, which re-exports index.d.cts (scripts/share-types.mjs), so both paths are compiled.
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
  "files": ["typed.ts", "typed.mts"]
}
EOF
  echo "moduleResolution $2"
  (cd "$consumer" && "$bin/tsc" -p tsconfig.json)
done

step "npx proxmox"
(cd "$consumer" && npx --no-install proxmox --help >"$work/help.txt")
grep -q 'mock serve' "$work/help.txt" || { echo "proxmox --help does not mention mock serve" >&2; exit 1; }
(cd "$consumer" && node mock-serve.mjs)

step "ok"
