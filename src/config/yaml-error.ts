/**
 * Errors of our YAML reader. A config or credentials file may hold passwords and tokens,
 * so a message names the file, the line and the rule broken, never the text of the line.
 */
import { InvalidArgumentError } from '../core/errors.js';

/** The text is not YAML (or breaks a rule this reader enforces, such as duplicate keys). */
export class YamlSyntaxError extends InvalidArgumentError {
  constructor(
    /** 1-based line of the problem. */
    readonly line: number,
    readonly reason: string,
    /** The file read, when known. */
    readonly source?: string,
  ) {
    super(`${source === undefined ? '' : `${source}: not valid YAML: `}line ${line}: ${reason}`);
  }

  /** The same error, naming the file it came from. */
  in(source: string): YamlSyntaxError {
    return new YamlSyntaxError(this.line, this.reason, source);
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
    readonly source?: string,
  ) {
    super(
      `${source === undefined ? '' : `${source}: `}line ${line}: ${feature} need the yaml package ` +
        '(npm install yaml), or write the file as JSON',
    );
  }

  in(source: string): YamlUnsupportedError {
    return new YamlUnsupportedError(this.line, this.feature, source);
  }
}
