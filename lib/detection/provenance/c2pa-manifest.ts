// Pure interpretation of a C2PA manifest store (the JSON the c2pa SDK's Reader returns) into what the
// c2pa signal reports. No SDK import here, so it is testable where the native binary cannot load.
//
// Sources: C2PA Technical Specification 2.1 §15 (validation status codes), §18.13 (c2pa.actions,
// digitalSourceType); IPTC NewsCodes "digitalsourcetype" vocabulary.

export type C2paState = "trusted" | "valid" | "invalid";

const DST_PREFIXES = ["http://cv.iptc.org/newscodes/digitalsourcetype/", "https://cv.iptc.org/newscodes/digitalsourcetype/"];

/** IPTC digital source types that mean a generative model produced (part of) the pixels. */
export const AI_SOURCE_TYPES = new Set(["trainedAlgorithmicMedia", "compositeWithTrainedAlgorithmicMedia"]);
/** Source types that declare a capture by a camera or scanner. */
export const CAPTURE_SOURCE_TYPES = new Set(["digitalCapture", "negativeFilm", "positiveFilm", "print", "minorHumanEdits"]);

/**
 * Failure codes that say nothing about whether the content or the claim was altered: the credential
 * expired or is not on our list, or the manifest breaks a structural rule newer SDKs enforce
 * (e.g. OpenAI's 2025 manifests: "first action must be created or opened"). Everything else
 * (hash mismatches, bad signatures, missing assertions) is an integrity failure.
 */
const NON_INTEGRITY_FAILURES = new Set([
  "signingCredential.untrusted",
  "signingCredential.expired",
  "signingCredential.ocsp.skipped",
  "signingCredential.ocsp.inaccessible",
  "timeStamp.untrusted",
  "timeStamp.outsideValidity",
  "assertion.action.malformed",
]);

export interface ValidationEntry {
  code: string;
  url?: string;
  explanation?: string;
}

interface ActionLike {
  action?: string;
  softwareAgent?: string | { name?: string; version?: string };
  digitalSourceType?: string;
  parameters?: Record<string, unknown>;
}

interface ManifestLike {
  claim_generator?: string;
  claim_generator_info?: { name?: string; version?: string }[];
  title?: string;
  assertions?: { label?: string; data?: unknown }[];
  ingredients?: { title?: string; active_manifest?: string; relationship?: string }[];
  signature_info?: { issuer?: string; common_name?: string; time?: string; alg?: string };
}

export interface ManifestStoreLike {
  active_manifest?: string;
  manifests?: Record<string, ManifestLike>;
  validation_state?: string;
  validation_status?: ValidationEntry[];
  validation_results?: {
    activeManifest?: { success?: ValidationEntry[]; failure?: ValidationEntry[]; informational?: ValidationEntry[] };
    ingredientDeltas?: { validationDeltas?: { failure?: ValidationEntry[] } }[];
  };
}

export interface SourceDeclaration {
  /** Short IPTC term, e.g. "trainedAlgorithmicMedia". */
  sourceType: string;
  action: string;
  softwareAgent: string | null;
  /** Which manifest said it: "active" or the ingredient manifest's label. */
  manifest: string;
}

export interface C2paInterpretation {
  state: C2paState;
  /** Failure codes from the active manifest and ingredient deltas, deduplicated. */
  failureCodes: string[];
  /** Integrity intact: signature validated, content hash matched, only non-integrity failures. */
  intact: boolean;
  /** Every digitalSourceType term declared in the history, in manifest order. */
  sourceTypes: string[];
  ai: SourceDeclaration | null;
  capture: SourceDeclaration | null;
  /** Best name for what made the image: the AI action's softwareAgent, else the claim generator. */
  generator: string | null;
  claimGenerator: string | null;
  signer: { issuer: string | null; commonName: string | null; time: string | null };
  manifests: number;
  /** Every c2pa.actions entry in the history, in manifest order (at most MAX_LISTED_ACTIONS). */
  actions: ListedAction[];
}

export interface ListedAction {
  action: string;
  softwareAgent: string | null;
  /** Short IPTC term when the action declares one. */
  sourceType: string | null;
  manifest: string;
}

/** A hostile manifest can list thousands of actions; a report lists this many. */
export const MAX_LISTED_ACTIONS = 50;

export function shortSourceType(uri: string): string {
  for (const p of DST_PREFIXES) if (uri.startsWith(p)) return uri.slice(p.length);
  return uri;
}

function agentName(a: ActionLike["softwareAgent"]): string | null {
  if (!a) return null;
  if (typeof a === "string") return a.trim() || null;
  const name = a.name?.trim();
  if (!name) return null;
  return a.version ? `${name} ${a.version}` : name;
}

function actionsOf(m: ManifestLike): ActionLike[] {
  const out: ActionLike[] = [];
  for (const a of m.assertions ?? []) {
    // c2pa.actions and c2pa.actions.v2 (labels may carry an instance suffix like "__1").
    if (!a.label || !/^c2pa\.actions(\.v\d+)?(__\d+)?$/.test(a.label)) continue;
    const list = (a.data as { actions?: unknown } | undefined)?.actions;
    if (Array.isArray(list)) out.push(...(list as ActionLike[]));
  }
  return out;
}

function claimGeneratorOf(m: ManifestLike | undefined): string | null {
  if (!m) return null;
  const info = m.claim_generator_info?.[0];
  if (info?.name) return info.version ? `${info.name} ${info.version}` : info.name;
  return m.claim_generator?.trim() || null;
}

/** Walk the active manifest, then its ingredients' manifests (recursively, each once). */
function manifestOrder(store: ManifestStoreLike): [string, ManifestLike][] {
  const manifests = store.manifests ?? {};
  const seen = new Set<string>();
  const out: [string, ManifestLike][] = [];
  const visit = (label: string | undefined) => {
    if (!label || seen.has(label)) return;
    const m = manifests[label];
    if (!m) return;
    seen.add(label);
    out.push([label, m]);
    for (const ing of m.ingredients ?? []) visit(ing.active_manifest);
  };
  visit(store.active_manifest);
  return out;
}

export function interpretManifestStore(store: ManifestStoreLike): C2paInterpretation {
  const results = store.validation_results;
  const failures: ValidationEntry[] = [
    ...(results?.activeManifest?.failure ?? []),
    ...(results?.ingredientDeltas ?? []).flatMap((d) => d.validationDeltas?.failure ?? []),
  ];
  // Older SDK output only has validation_status (the failures).
  if (!results && store.validation_status) failures.push(...store.validation_status);
  const failureCodes = [...new Set(failures.map((f) => f.code))];
  const success = new Set((results?.activeManifest?.success ?? []).map((s) => s.code));

  const raw = (store.validation_state ?? "").toLowerCase();
  const state: C2paState = raw === "trusted" ? "trusted" : raw === "valid" ? "valid" : "invalid";
  const hashMatched = ["assertion.dataHash.match", "assertion.bmffHash.match", "assertion.boxesHash.match"].some((c) =>
    success.has(c),
  );
  const intact =
    state !== "invalid" ||
    (success.has("claimSignature.validated") && hashMatched && failureCodes.every((c) => NON_INTEGRITY_FAILURES.has(c)));

  let ai: SourceDeclaration | null = null;
  let capture: SourceDeclaration | null = null;
  const sourceTypes: string[] = [];
  const actions: ListedAction[] = [];
  const order = manifestOrder(store);
  for (const [label, m] of order) {
    for (const act of actionsOf(m)) {
      if (actions.length < MAX_LISTED_ACTIONS) {
        actions.push({
          action: typeof act.action === "string" ? act.action : "unknown",
          softwareAgent: agentName(act.softwareAgent),
          sourceType: typeof act.digitalSourceType === "string" ? shortSourceType(act.digitalSourceType) : null,
          manifest: label === store.active_manifest ? "active" : label,
        });
      }
      if (!act.digitalSourceType) continue;
      const decl: SourceDeclaration = {
        sourceType: shortSourceType(act.digitalSourceType),
        action: act.action ?? "unknown",
        softwareAgent: agentName(act.softwareAgent),
        manifest: label === store.active_manifest ? "active" : label,
      };
      if (!sourceTypes.includes(decl.sourceType)) sourceTypes.push(decl.sourceType);
      if (!ai && AI_SOURCE_TYPES.has(decl.sourceType)) ai = decl;
      if (!capture && CAPTURE_SOURCE_TYPES.has(decl.sourceType)) capture = decl;
    }
  }
  const active = store.active_manifest ? store.manifests?.[store.active_manifest] : undefined;
  const aiManifest = ai ? order.find(([l]) => (ai.manifest === "active" ? l === store.active_manifest : l === ai.manifest))?.[1] : undefined;
  const sig = active?.signature_info;
  return {
    state,
    failureCodes,
    intact,
    sourceTypes,
    ai,
    capture,
    generator: ai ? (ai.softwareAgent ?? claimGeneratorOf(aiManifest) ?? claimGeneratorOf(active)) : null,
    claimGenerator: claimGeneratorOf(active),
    signer: { issuer: sig?.issuer ?? null, commonName: sig?.common_name ?? null, time: sig?.time ?? null },
    manifests: Object.keys(store.manifests ?? {}).length,
    actions,
  };
}
