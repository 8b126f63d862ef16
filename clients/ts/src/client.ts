// A small typed client over the generated types (src/api.d.ts, from openapi.json): what a
// mini-program or app builds on. `make test` generates the types from the running code's document
// and type-checks this file with tsc --noEmit, so a change that breaks these uses fails the build.
import type { components, operations, paths } from "./api";

type Schemas = components["schemas"];

/** The problem detail a route answers with for `status`, with the `code`s it declares. */
export type Problem<Op extends keyof operations, Status extends number> =
  operations[Op]["responses"] extends Record<Status, { content: { "application/problem+json": infer P } }> ? P : never;

export type Fetch = (url: string, init: { method: string; headers: Record<string, string>; body?: string }) =>
  Promise<{ status: number; json(): Promise<unknown> }>;

export class Api {
  constructor(private readonly base: string, private readonly fetch: Fetch, private token?: string) {}

  private async call<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const headers: Record<string, string> = { "Content-Type": "application/json" };
    if (this.token) headers.Authorization = `Bearer ${this.token}`;
    const res = await this.fetch(this.base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as T };
  }

  async wechatLogin(code: string): Promise<Schemas["TokenPair"]> {
    const body: paths["/api/v1/auth/wechat"]["post"]["requestBody"]["content"]["application/json"] = { code };
    const res = await this.call<Schemas["TokenPair"]>("POST", "/api/v1/auth/wechat", body);
    this.token = res.body.accessToken;
    return res.body;
  }

  async formSchema(code: string): Promise<Record<string, unknown>> {
    return (await this.call<Record<string, unknown>>("GET", `/api/v1/services/${encodeURIComponent(code)}/form-schema`)).body;
  }

  async service(code: string): Promise<Schemas["ServiceDetail"]> {
    return (await this.call<Schemas["ServiceDetail"]>("GET", `/api/v1/services/${encodeURIComponent(code)}`)).body;
  }

  async myApplications(): Promise<operations["listApplications"]["responses"][200]["content"]["application/json"]> {
    return (await this.call<operations["listApplications"]["responses"][200]["content"]["application/json"]>(
      "GET", "/api/v1/applications")).body;
  }

  /** Submit a case; a 422 says which materials are still missing. */
  async submit(id: number): Promise<Schemas["ApplicationOut"] | Problem<"submitApplication", 422>> {
    return (await this.call<Schemas["ApplicationOut"] | Problem<"submitApplication", 422>>(
      "POST", `/api/v1/applications/${id}/submit`)).body;
  }
}

/** What to tell the applicant for each code the submit route declares (a new code fails the build). */
export function submitRefusal(problem: Problem<"submitApplication", 422>): string {
  switch (problem.code) {
    case "gaps_remain":
      return "还有材料未上传";
    default:
      return problem.title;
  }
}
