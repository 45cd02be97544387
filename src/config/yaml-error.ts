/**
 * Errors of our YAML reader. A config or credentials file may hold passwords and tokens,
 * so a message names the line and the rule broken, never the text of the line.
 */
import { InvalidArgumentError } from '../core/errors.js';

/** The text is not YAML (or breaks a rule this reader enforces, such as duplicate keys). */
export class YamlSyntaxError extends InvalidArgumentError {
  constructor(
    /** 1-based line of the problem. */
    readonly line: number,
    readonly reason: string,
  ) {
    super(`line ${line}: ${reason}`);
  }
}

/**
 * Valid YAML that our reader leaves to the `yaml` package (anchors, tags, several
 * documents, complex keys); thrown only when that package cannot be loaded.
 */
export class YamlUnsupportedError extends InvalidArgumentError {
  constructor(
    readonly line: number,
    /** What the document uses, e.g. 'anchors (&name)'. */
    readonly feature: string,
  ) {
    super(`line ${line}: ${feature} need the yaml package (npm install yaml), or write the file as JSON`);
  }
}
