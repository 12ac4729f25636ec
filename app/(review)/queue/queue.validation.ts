import { decideCasesInput } from "@/lib/cases/decide-cases";
import { rescanCasesInput } from "@/lib/cases/rescan-cases";

// The bulk actions take the verbs' own input shapes: a list of case ids (and the decision).
export const bulkDecideInput = decideCasesInput;
export const bulkRescanInput = rescanCasesInput;
