import { isDeepStrictEqual } from 'node:util';

/**
 * What a translation does with one client field:
 * - `mapped`: sent upstream as the target's field `to` (a number above `max` is refused);
 * - `dropped`: left out, with a debug log, because it does not change the answer;
 * - `refused`: the request is refused with 400 naming the field, because leaving
 *   the field out would change the answer; values in `passes` mean the
 *   default (e.g. `n: 1`) and are dropped instead.
 */
export type FieldFate = 'mapped' | 'dropped' | 'refused';

/** One row of a translation table. */
export interface FieldRule {
  /**
   * The client's field: a top-level name (`n`), a path (`messages[].name`),
   * or a path with a selector (`messages[role=tool]`, `messages[].content[type=input_audio]`).
   */
  readonly field: string;
  readonly fate: FieldFate;
  /** `mapped`: what the field becomes upstream. */
  readonly to?: string;
  /** `refused`: values that keep the answer the same (compared deeply); they pass and are dropped. */
  readonly passes?: readonly unknown[];
  /** `mapped` numbers: values above this are refused (the target's range ends there). */
  readonly max?: number;
  /** Why, in the README's words (lower case, no trailing period); required for dropped and refused fields. */
  readonly note?: string;
}

/** One row of the answer-side mapping (documentation: answers are never refused). */
export interface AnswerRow {
  readonly from: string;
  readonly to: string;
  readonly note?: string;
}

/** The translation table of one direction. */
export interface TranslationTable {
  /** The client API, as the README names it (e.g. `Chat Completions`). */
  readonly clientApi: string;
  /** The upstream API, as the README names it (e.g. `Anthropic Messages`). */
  readonly upstreamApi: string;
  /** The upstream format, as config.yaml names it (`anthropic`, `openai`). */
  readonly upstreamFormat: string;
  /** Request fields; a top-level field not listed is dropped with a debug log. */
  readonly fields: readonly FieldRule[];
  /** Answers, JSON and streamed, upstream → client. */
  readonly answers: readonly AnswerRow[];
}

/** Thrown inside a translator when a field must be refused; the translator returns it as a refusal. */
export class FieldRefused extends Error {
  public constructor(public readonly field: string, message: string) {
    super(message);
    this.name = 'FieldRefused';
  }
}

/** Throws a {@link FieldRefused} for `path`: `<path> must be <expected>, received <value as JSON, at most 60 characters>`. */
export function refuseInvalid(path: string, expected: string, value: unknown): never {
  const text = JSON.stringify(value) ?? String(value);
  throw new FieldRefused(path, `${path} must be ${expected}, received ${text.length > 60 ? `${text.slice(0, 57)}...` : text}`);
}

/** Short text of a value for an error message. */
function shown(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/**
 * Applies a translation table: the translator reports each field it meets
 * that it does not map itself, and the table decides (drop or refuse), so
 * the decisions live in data, not in branches, and the README table is
 * rendered from the same rows.
 */
export class FieldPolicy {
  private readonly byField: ReadonlyMap<string, FieldRule>;

  public constructor(public readonly table: TranslationTable) {
    this.byField = new Map(table.fields.map((rule) => [rule.field, rule]));
  }

  /** The rule of a field; throws for a field the table does not list (a translator bug, caught by the tests). */
  public rule(field: string): FieldRule {
    const rule = this.byField.get(field);
    if (!rule) throw new Error(`the ${this.table.clientApi} → ${this.table.upstreamApi} table has no rule for ${field}`);
    return rule;
  }

  /**
   * Checks the top-level fields of a request: unlisted ones and `dropped`
   * ones are added to `dropped`; `refused` ones throw {@link FieldRefused}
   * unless their value passes; `mapped` numbers are checked against `max`.
   */
  public checkTopLevel(body: Readonly<Record<string, unknown>>, dropped: string[]): void {
    for (const [field, value] of Object.entries(body)) {
      if (value === undefined) continue;
      const rule = this.byField.get(field);
      if (!rule) {
        dropped.push(field);
        continue;
      }
      this.apply(rule, field, value, dropped);
    }
  }

  /**
   * Applies the rule named `field` to a value met at `path` (e.g. rule
   * `messages[].name` at `messages[3].name`). `value` is what the error
   * message shows.
   */
  public check(field: string, path: string, value: unknown, dropped: string[]): void {
    this.apply(this.rule(field), path, value, dropped);
  }

  /** Refuses a value of a mapped field that the target cannot take, with the rule's note as the reason. */
  public refuse(field: string, path: string, value: unknown, reason?: string): never {
    throw new FieldRefused(path, this.message(path, value, reason ?? this.rule(field).note ?? 'no equivalent'));
  }

  private apply(rule: FieldRule, path: string, value: unknown, dropped: string[]): void {
    switch (rule.fate) {
      case 'dropped':
        dropped.push(path);
        return;
      case 'refused':
        if (value === null || rule.passes?.some((passing) => isDeepStrictEqual(passing, value))) {
          dropped.push(path);
          return;
        }
        throw new FieldRefused(path, this.message(path, value, rule.note ?? 'no equivalent'));
      case 'mapped':
        if (rule.max !== undefined && typeof value === 'number' && value > rule.max) {
          throw new FieldRefused(path, this.message(path, value, `the ${this.table.upstreamApi} API takes at most ${rule.max}`));
        }
        return;
    }
  }

  private message(path: string, value: unknown, reason: string): string {
    return `${path} (${shown(value)}) cannot be sent to an ${this.table.upstreamFormat}-format upstream: ${reason}`;
  }
}
