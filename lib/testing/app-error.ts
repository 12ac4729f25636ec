// Vitest-only: the AppError a promise rejects with (the test fails if it resolves or throws anything else).
import { expect } from "vitest";
import { AppError } from "../errors";

export async function appErrorOf(p: Promise<unknown>): Promise<AppError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}
