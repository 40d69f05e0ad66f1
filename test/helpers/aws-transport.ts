import { Readable } from "node:stream";

/**
 * A fake HTTP transport for SDK v3 clients: requests go through the real
 * middleware stack (serialization, signing, retries, deserialization) and are
 * answered here, without a network. Glue (JSON 1.1), Lake Formation (REST
 * JSON) and STS (query, XML) are told apart by the request.
 */

export interface FakeAnswer {
  readonly status?: number;
  /** JSON body (XML for STS). */
  readonly body?: unknown;
  /** An AWS error code, such as ThrottlingException: sent as a 400 with that type. */
  readonly error?: string;
}

export interface FakeRequest {
  /** `glue:GetDatabases`, `lakeformation:ListPermissions`, `sts:GetCallerIdentity` */
  readonly operation: string;
  readonly input: Record<string, unknown>;
}

interface HttpRequestLike {
  hostname: string;
  path: string;
  headers: Record<string, string>;
  body?: unknown;
}

function operationOf(req: HttpRequestLike): FakeRequest {
  const body = typeof req.body === "string" ? req.body : req.body instanceof Uint8Array ? new TextDecoder().decode(req.body) : "";
  const target = req.headers["x-amz-target"];
  if (target) return { operation: `glue:${target.split(".")[1]}`, input: body ? JSON.parse(body) : {} };
  if (req.hostname.startsWith("sts.")) return { operation: `sts:${new URLSearchParams(body).get("Action")}`, input: {} };
  return { operation: `lakeformation:${req.path.replace(/^\//, "")}`, input: body ? JSON.parse(body) : {} };
}

export function fakeTransport(answer: (req: FakeRequest) => FakeAnswer) {
  const calls: FakeRequest[] = [];
  const handler = {
    metadata: { handlerProtocol: "http/1.1" },
    updateHttpClientConfig: () => {},
    httpHandlerConfigs: () => ({}),
    destroy: () => {},
    async handle(request: HttpRequestLike) {
      const req = operationOf(request);
      calls.push(req);
      const a = answer(req);
      const xml = req.operation.startsWith("sts:");
      const text = a.error
        ? xml
          ? `<ErrorResponse><Error><Type>Sender</Type><Code>${a.error}</Code><Message>${a.error}</Message></Error><RequestId>r</RequestId></ErrorResponse>`
          : JSON.stringify({ __type: a.error, message: `${a.error} (fake)` })
        : xml
          ? String(a.body)
          : JSON.stringify(a.body ?? {});
      const headers: Record<string, string> = { "content-type": xml ? "text/xml" : "application/json", "x-amzn-requestid": "fake" };
      if (a.error && !xml) headers["x-amzn-errortype"] = a.error;
      return { response: { statusCode: a.status ?? (a.error ? 400 : 200), reason: "", headers, body: Readable.from([Buffer.from(text)]) } };
    },
  };
  return { handler, calls };
}

export const stsIdentityXml = (account: string, arn = `arn:aws:iam::${account}:role/lakeform-deployer`) =>
  `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>${arn}</Arn><UserId>AROAFAKE</UserId><Account>${account}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></GetCallerIdentityResponse>`;
