// The signal registry: every signal the engine runs, in report order. One file per signal.
import type { SignalDefinition } from "../signal";
import ela from "./ela";
import frequency from "./frequency";
import jpeg from "./jpeg";
import noise from "./noise";

/**
 * A signal of any message table. `SignalDefinition<M>` is invariant in M (M appears in `messages` and,
 * through `keyof M`, in run()'s flag codes), so a heterogeneous list needs `any` here.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnySignal = SignalDefinition<any>;

export const signals: readonly AnySignal[] = [jpeg, ela, noise, frequency];
