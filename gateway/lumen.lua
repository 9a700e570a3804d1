-- Lumen REST edge: the LUNA conventions Envoy's transcoder does not know.
--   request:  Luna-Request-Id (echo a valid one, else "<unix seconds>,<uuid>"), OPTIONS with an
--             Allow header, 404/405 in LUNA shape for unknown paths/methods.
--   response: HTTP status and LUNA error body from the server's x-lumen-* initial metadata;
--             gRPC internals removed; Luna-Request-Id echoed.
-- ROUTES (path pattern -> allowed methods) is generated from the protos by gateway/config.py and
-- prepended to this file.

local REQUEST_ID_PATTERN = "^%d%d%d%d%d%d%d%d%d%d,%x%x%x%x%x%x%x%x%-%x%x%x%x%-%x%x%x%x%-%x%x%x%x%-%x%x%x%x%x%x%x%x%x%x%x%x$"
local UUID_PATTERN = "^%x%x%x%x%x%x%x%x%-%x%x%x%x%-%x%x%x%x%-%x%x%x%x%-%x%x%x%x%x%x%x%x%x%x%x%x$"
local META = "lumen"

local function random_uuid()
  local template = "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx"
  return (string.gsub(template, "[xy]", function(c)
    local v = (c == "x") and math.random(0, 15) or math.random(8, 11)
    return string.format("%x", v)
  end))
end

local function request_id(headers)
  local given = headers:get("luna-request-id")
  if given ~= nil and string.match(given, REQUEST_ID_PATTERN) then
    return given
  end
  local uuid = headers:get("x-request-id")
  if uuid == nil or not string.match(uuid, UUID_PATTERN) then
    uuid = random_uuid()
  end
  return string.format("%010d,%s", os.time(), string.lower(uuid))
end

local function find_route(path)
  for _, route in ipairs(ROUTES) do
    if string.match(path, route[1]) then
      return route
    end
  end
  return nil
end

local function luna_error(handle, status, code, desc, detail, rid, extra)
  local body = string.format('{"error_code": %d, "desc": "%s", "detail": "%s"}', code, desc, detail)
  local headers = {[":status"] = tostring(status), ["content-type"] = "application/json",
                   ["luna-request-id"] = rid}
  if extra ~= nil then
    for k, v in pairs(extra) do headers[k] = v end
  end
  handle:respond(headers, body)
end

-- A query parameter named like a path variable would overwrite it in the transcoder: drop it.
local function strip_path_variables(query, names)
  if query == "" or names == "" then
    return query
  end
  local kept = {}
  for pair in string.gmatch(query, "[^&]+") do
    local key = string.match(pair, "^([^=]*)")
    if not string.find("," .. names .. ",", "," .. key .. ",", 1, true) then
      table.insert(kept, pair)
    end
  end
  return table.concat(kept, "&")
end

function envoy_on_request(handle)
  local headers = handle:headers()
  local rid = request_id(headers)
  headers:replace("luna-request-id", rid)
  local path = headers:get(":path") or "/"
  local method = headers:get(":method")
  handle:streamInfo():dynamicMetadata():set(META, "request_id", rid)
  -- the transcoder turns every request into a gRPC POST: remember HEAD to strip the body
  handle:streamInfo():dynamicMetadata():set(META, "method", method)
  if string.sub(path, 1, 7) == "/lumen." or string.sub(path, 1, 6) == "/grpc." then
    handle:streamInfo():dynamicMetadata():set(META, "grpc", "1")
    return -- native gRPC through the gateway: request and response pass untouched
  end
  local query = string.match(path, "%?(.*)$") or ""
  path = string.gsub(path, "%?.*$", "")
  local route = find_route(path)
  if route == nil then
    luna_error(handle, 404, 12004, "Resource not found", "Resource '" .. string.gsub(path, '["\\]', "") .. "' not found", rid)
    return
  end
  if method == "OPTIONS" then
    handle:respond({[":status"] = "200", ["allow"] = route[2], ["luna-request-id"] = rid}, "")
    return
  end
  if not string.find("," .. route[2] .. ",", "," .. method .. ",", 1, true) then
    luna_error(handle, 405, 12002, "Method not allowed", "Method '" .. method .. "' not allowed", rid,
               {["allow"] = route[2]})
    return
  end
  local cleaned = strip_path_variables(query, route[3])
  if cleaned ~= query then
    headers:replace(":path", cleaned == "" and path or (path .. "?" .. cleaned))
  end
end

-- Headers must be final before body() is called: afterwards they are out of scope.
local function replace_body(handle, headers, bytes)
  headers:replace("content-length", tostring(#bytes))
  local body = handle:body(true)
  if body ~= nil then
    body:setBytes(bytes)
  end
end

function envoy_on_response(handle)
  local headers = handle:headers()
  local meta = handle:streamInfo():dynamicMetadata():get(META)
  local rid = meta and meta["request_id"]
  if meta ~= nil and meta["grpc"] == "1" then
    return
  end
  local is_head = meta ~= nil and meta["method"] == "HEAD"
  local status = headers:get("x-lumen-http-status")
  local err = headers:get("x-lumen-error")
  for _, name in ipairs({"x-lumen-http-status", "x-lumen-error", "grpc-status", "grpc-message",
                         "grpc-status-details-bin", "grpc-accept-encoding", "grpc-encoding"}) do
    headers:remove(name)
  end
  if rid ~= nil then
    headers:replace("luna-request-id", rid)
  end
  if err ~= nil then
    headers:replace(":status", status or "500")
    headers:replace("content-type", "application/json")
    replace_body(handle, headers, is_head and "" or err)
    return
  end
  if status ~= nil then
    headers:replace(":status", status)
  end
  if status == "204" or is_head then
    headers:remove("content-type")
    replace_body(handle, headers, "")
  end
end
