/* The JSON API on the same origin: errors as ApiError, the optional key, paged lists, feedback. */

const KEY_STORAGE = "briefqa.apiKey";
const PAGE_LIMIT = 100; // GET /v1/documents gives at most 100 per page

// localStorage can throw (privacy mode, disabled storage): treat as "no key".
export function loadApiKey() {
  try {
    return localStorage.getItem(KEY_STORAGE) || "";
  } catch (_) {
    return "";
  }
}

export function saveApiKey(key) {
  try {
    if (key) localStorage.setItem(KEY_STORAGE, key);
    else localStorage.removeItem(KEY_STORAGE);
    return true;
  } catch (_) {
    return false;
  }
}

export class ApiError extends Error {
  constructor(message, status, code) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** fetch JSON; turn the API's {"error": {code, message}} shape into ApiError. */
export async function apiFetch(path, options) {
  const headers = { Accept: "application/json" };
  const key = loadApiKey();
  if (key) headers["X-API-Key"] = key;
  const init = Object.assign({}, options, { headers: Object.assign(headers, (options && options.headers) || {}) });

  let resp;
  try {
    resp = await fetch(path, init);
  } catch (err) {
    if (err && err.name === "AbortError") throw err;
    throw new ApiError("无法连接到服务器，请检查网络后重试。", 0, "network_error");
  }

  let body = null;
  try {
    body = await resp.json();
  } catch (_) {
    body = null; // non-JSON body (e.g. a proxy's HTML error page)
  }
  if (!resp.ok) {
    const e = body && body.error;
    const msg = (e && e.message) || `服务器返回错误（HTTP ${resp.status}）。`;
    throw new ApiError(msg, resp.status, (e && e.code) || "http_error");
  }
  if (body === null) throw new ApiError("服务器返回了无法解析的数据。", resp.status, "bad_response");
  return body;
}

export function postJson(path, body, signal) {
  return apiFetch(path, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
    signal,
  });
}

/** Every document summary: the list pages at most 100, so read page after page until the total. */
export async function fetchAllDocuments() {
  const all = [];
  for (let offset = 0; ; offset += PAGE_LIMIT) {
    const page = await apiFetch(`/v1/documents?offset=${offset}&limit=${PAGE_LIMIT}`);
    const docs = page.documents || [];
    all.push(...docs);
    if (!docs.length || all.length >= (page.total || 0)) return all;
  }
}
