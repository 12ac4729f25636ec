import { describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { assertWebhookUrl, isAllowedAddress, parseWebhookUrl } from "./address";

const strict = { allowLoopback: false };
const loopbackOk = { allowLoopback: true };

describe("webhook address check", () => {
  it.each([
    ["8.8.8.8", true],
    ["93.184.215.14", true],
    ["2606:4700:4700::1111", true],
    ["127.0.0.1", false],
    ["127.5.6.7", false],
    ["::1", false],
    ["10.1.2.3", false],
    ["172.16.0.1", false],
    ["172.31.255.255", false],
    ["172.32.0.1", true],
    ["192.168.1.1", false],
    ["169.254.169.254", false],
    ["100.64.0.1", false],
    ["0.0.0.0", false],
    ["224.0.0.1", false],
    ["255.255.255.255", false],
    ["fd00::1", false],
    ["fe80::1", false],
    ["::", false],
    ["::ffff:127.0.0.1", false],
    ["::ffff:10.0.0.1", false],
    ["::ffff:8.8.8.8", true],
    ["64:ff9b::a00:1", false],
    ["not an ip", false],
  ])("%s → %s", (ip, allowed) => {
    expect(isAllowedAddress(ip, strict)).toBe(allowed);
  });

  it("allows loopback only with the test flag, and nothing else private", () => {
    expect(isAllowedAddress("127.0.0.1", loopbackOk)).toBe(true);
    expect(isAllowedAddress("::1", loopbackOk)).toBe(true);
    expect(isAllowedAddress("::ffff:127.0.0.1", loopbackOk)).toBe(true);
    expect(isAllowedAddress("10.0.0.1", loopbackOk)).toBe(false);
    expect(isAllowedAddress("169.254.169.254", loopbackOk)).toBe(false);
  });

  it.each([
    ["ftp://example.org/x", "use an http or https URL"],
    ["https://user:pw@example.org/", "user name or password"],
    ["not a url", "not a URL"],
    [`https://example.org/${"a".repeat(2001)}`, "at most"],
  ])("refuses %s", (url, why) => {
    expect(() => parseWebhookUrl(url)).toThrow(why);
  });

  it("refuses literal private hosts and localhost names at registration", async () => {
    for (const url of ["http://127.0.0.1:8080/hook", "http://[::1]/hook", "http://10.0.0.5/hook", "http://169.254.169.254/latest", "http://localhost/hook"]) {
      await expect(assertWebhookUrl(url, strict, "webhook_url")).rejects.toMatchObject({ code: "invalid_request", param: "webhook_url" });
    }
    await expect(assertWebhookUrl("http://127.0.0.1:8080/hook", loopbackOk)).resolves.toBeInstanceOf(URL);
    await expect(assertWebhookUrl("https://8.8.8.8/hook", strict)).resolves.toBeInstanceOf(URL);
    await expect(assertWebhookUrl("http://10.0.0.5/hook", loopbackOk)).rejects.toBeInstanceOf(AppError);
  });
});
