// A small JSON Schema checker for the subset lib/api/openapi.ts uses ($ref, allOf, anyOf, oneOf, type,
// enum, const, properties, required, additionalProperties, items, minimum, maximum, pattern, maxItems,
// maxLength). Used by the tests that hold real answers against the OpenAPI document
// (lib/api/openapi.test.ts, e2e/api/openapi.spec.ts); keywords outside the subset are ignored.
type Schema = { [k: string]: unknown };

function typeOf(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  return typeof v;
}

function resolve(root: unknown, ref: string): Schema {
  if (!ref.startsWith("#/")) throw new Error(`only local $refs are supported: ${ref}`);
  let node: unknown = root;
  for (const part of ref.slice(2).split("/")) {
    node = (node as Record<string, unknown> | undefined)?.[part.replace(/~1/g, "/").replace(/~0/g, "~")];
  }
  if (!node || typeof node !== "object") throw new Error(`unresolved $ref ${ref}`);
  return node as Schema;
}

/**
 * The property names an object schema declares, through $ref, allOf, anyOf and oneOf; null when it
 * admits any (additionalProperties given, or no properties at all).
 */
function declared(schema: Schema, root: unknown): Set<string> | null {
  if (typeof schema.$ref === "string") return declared(resolve(root, schema.$ref), root);
  if (schema.additionalProperties !== undefined && schema.additionalProperties !== false) return null;
  const names = new Set(Object.keys((schema.properties ?? {}) as object));
  let open = !schema.properties && !schema.allOf && !schema.anyOf && !schema.oneOf;
  for (const key of ["allOf", "anyOf", "oneOf"] as const) {
    for (const s of (schema[key] ?? []) as Schema[]) {
      const d = declared(s, root);
      if (d === null) open = true;
      else d.forEach((n) => names.add(n));
    }
  }
  return open ? null : names;
}

export interface CheckOptions {
  /** Treat undeclared properties as errors (as if additionalProperties were false), so a field a DTO gained without the document shows up. */
  strict?: boolean;
}

/** The ways `value` breaks `schema` (empty when it conforms), each as "path: problem". */
export function checkSchema(value: unknown, schema: Schema, root: unknown, path = "$", opts: CheckOptions = {}, composed = false): string[] {
  if (typeof schema.$ref === "string") return checkSchema(value, resolve(root, schema.$ref), root, path, opts, composed);
  const errors: string[] = [];
  const t = typeOf(value);
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
    if (!types.some((x) => x === t || (x === "number" && t === "integer"))) return [`${path}: expected ${types.join("|")}, got ${t}`];
  }
  if (Array.isArray(schema.enum) && !schema.enum.some((e) => e === value)) errors.push(`${path}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
  if ("const" in schema && schema.const !== value) errors.push(`${path}: expected ${JSON.stringify(schema.const)}`);
  if (Array.isArray(schema.allOf)) for (const s of schema.allOf as Schema[]) errors.push(...checkSchema(value, s, root, path, opts, true));
  if (Array.isArray(schema.anyOf)) {
    const results = (schema.anyOf as Schema[]).map((s) => checkSchema(value, s, root, path, opts, composed));
    if (!results.some((r) => r.length === 0)) errors.push(`${path}: matches none of anyOf (${results.map((r) => r[0]).join("; ")})`);
  }
  if (Array.isArray(schema.oneOf)) {
    const results = (schema.oneOf as Schema[]).map((s) => checkSchema(value, s, root, path, opts, composed));
    const matched = results.filter((r) => r.length === 0).length;
    if (matched !== 1) errors.push(`${path}: matches ${matched} of oneOf (${results.map((r) => r[0] ?? "ok").join("; ")})`);
  }
  if (t === "number" || t === "integer") {
    if (typeof schema.minimum === "number" && (value as number) < schema.minimum) errors.push(`${path}: below ${schema.minimum}`);
    if (typeof schema.maximum === "number" && (value as number) > schema.maximum) errors.push(`${path}: above ${schema.maximum}`);
  }
  if (t === "string") {
    if (typeof schema.pattern === "string" && !new RegExp(schema.pattern).test(value as string)) errors.push(`${path}: does not match ${schema.pattern}`);
    if (typeof schema.maxLength === "number" && (value as string).length > schema.maxLength) errors.push(`${path}: longer than ${schema.maxLength}`);
  }
  if (t === "array") {
    const items = value as unknown[];
    if (typeof schema.maxItems === "number" && items.length > schema.maxItems) errors.push(`${path}: more than ${schema.maxItems} items`);
    if (schema.items && typeof schema.items === "object") items.forEach((v, i) => errors.push(...checkSchema(v, schema.items as Schema, root, `${path}[${i}]`, opts)));
  }
  if (t === "object") {
    const o = value as Record<string, unknown>;
    const props = (schema.properties ?? {}) as Record<string, Schema>;
    for (const k of (schema.required ?? []) as string[]) if (!(k in o)) errors.push(`${path}: missing required ${k}`);
    // Strict: the whole schema at this level (not one branch of a composition) must declare every key.
    const known = opts.strict && !composed ? declared(schema, root) : null;
    if (known) for (const k of Object.keys(o)) if (!known.has(k)) errors.push(`${path}: undeclared property ${k}`);
    for (const [k, v] of Object.entries(o)) {
      if (props[k]) errors.push(...checkSchema(v, props[k], root, `${path}.${k}`, opts));
      else if (schema.additionalProperties === false) errors.push(`${path}: unexpected property ${k}`);
      else if (schema.additionalProperties && typeof schema.additionalProperties === "object") errors.push(...checkSchema(v, schema.additionalProperties as Schema, root, `${path}.${k}`, opts));
    }
  }
  return errors;
}
