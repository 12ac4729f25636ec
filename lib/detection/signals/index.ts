// The signal registry: every signal the engine runs, in report order. One file per signal.
import type { SignalDefinition } from "../signal";
import c2pa from "./c2pa";
import ela from "./ela";
import frequency from "./frequency";
import jpeg from "./jpeg";
import metadata from "./metadata";
import ml from "./ml";
import noise from "./noise";
import watermark from "./watermark";

/**
 * A signal of any message table. `SignalDefinition<M>` is invariant in M (M appears in `messages` and,
 * through `keyof M`, in run()'s flag codes), so a heterogeneous list needs `any` here.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnySignal = SignalDefinition<any>;

// Provenance first (it can decide on its own), then the learned model, then the forensic signals.
export const signals: readonly AnySignal[] = [c2pa, metadata, watermark, ml, jpeg, ela, noise, frequency];
