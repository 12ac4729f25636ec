import { applyDuplicateDecisionInput } from "@/lib/cases/apply-duplicate-decision";

export const applySameDecisionInput = applyDuplicateDecisionInput;
