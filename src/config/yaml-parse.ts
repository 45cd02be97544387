/**
 * YAML text to plain data: our reader first; what it leaves out goes to the `yaml`
 * package when that is installed, else the reader's YamlUnsupportedError (naming the
 * feature, the line and `npm install yaml`) stands.
 */
import { YamlSyntaxError, YamlUnsupportedError } from './yaml-error.js';
import { optionalYaml } from './yaml-lazy.js';
import { readYaml } from './yaml-read.js';

export function parseYaml(text: string): unknown {
  try {
    return readYaml(text);
  } catch (error) {
    if (!(error instanceof YamlUnsupportedError)) throw error;
    const yaml = optionalYaml();
    if (yaml === undefined) throw error;
    try {
      return yaml.parse(text, { prettyErrors: false });
    } catch (refusal) {
      if (!(refusal instanceof yaml.YAMLParseError)) throw refusal;
      // The package's message may quote the text; keep its line and its error code only.
      throw new YamlSyntaxError(
        refusal.linePos?.[0]?.line ?? error.line,
        `refused by the yaml package (${refusal.code})`,
      );
    }
  }
}
