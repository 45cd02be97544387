/**
 * pvesh's human-readable renderers, named by the schema's `renderer` fact (pve-common
 * PVE/Format.pm, registered in PVE/CLIFormatter.pm). Text output only; JSON and YAML keep
 * the raw values. Written from the Perl functions' behaviour:
 * - bytes: `1.50 GiB` (binary units up to PiB, two decimals; below 1024 `512.00 B`);
 * - duration: `3d 4h 5m` (weeks, days, hours, minutes, seconds; the CLI passes an options
 *   hash as the accuracy flag, so minutes drop once there are weeks and seconds once there
 *   are days);
 * - fraction_as_percentage: `12.34%`;
 * - timestamp: local time `2026-12-04 06:41:16`; timestamp_gmt: the same in UTC;
 * - yaml: the value as YAML without the document marker.
 */

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

export function renderBytes(value: number): string {
  let unit = 0;
  let scaled = value;
  while (unit < UNITS.length - 1 && scaled >= 1024) {
    scaled /= 1024;
    unit++;
  }
  return `${scaled.toFixed(2)} ${UNITS[unit]}`;
}

export function renderDuration(seconds: number): string {
  let rest = Math.round(seconds);
  if (rest === 0) return '0s';
  const parts: string[] = [];
  const step = (unit: string, length: number): boolean => {
    const v = Math.floor(rest / length);
    if (v <= 0) return false;
    parts.push(`${v}${unit}`);
    rest -= v * length;
    return true;
  };
  const weeks = step('w', 7 * 24 * 3600);
  const days = step('d', 24 * 3600) || weeks;
  step('h', 3600);
  if (!weeks) step('m', 60);
  if (!days) step('s', 1);
  return parts.join(' ');
}

const two = (n: number) => String(n).padStart(2, '0');

function renderTimestamp(epoch: number, utc: boolean): string {
  const d = new Date(epoch * 1000);
  if (utc) {
    return `${d.getUTCFullYear()}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
  }
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

/** YAML text (the config module's writer), passed in so that the renderers stay free of imports. */
export type YamlStringify = (value: unknown) => string;

/**
 * The value as the named renderer prints it, or undefined when the renderer is unknown or
 * the value is not what it renders (a number that is no number stays as it came).
 */
export function renderValue(renderer: string, value: unknown, yaml?: YamlStringify): string | undefined {
  if (renderer === 'yaml')
    return yaml
      ? yaml(value)
          .replace(/^---\s/, '')
          .replace(/\n$/, '')
      : undefined;
  const n =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && value.trim() !== ''
        ? Number(value)
        : NaN;
  if (!Number.isFinite(n)) return undefined;
  switch (renderer) {
    case 'bytes':
      return renderBytes(n);
    case 'duration':
      return renderDuration(n);
    case 'fraction_as_percentage':
      return `${(n * 100).toFixed(2)}%`;
    case 'timestamp':
      return renderTimestamp(n, false);
    case 'timestamp_gmt':
      return renderTimestamp(n, true);
    default:
      return undefined;
  }
}
