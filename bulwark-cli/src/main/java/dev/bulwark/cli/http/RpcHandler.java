package dev.bulwark.cli.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /rpc}: JSON-RPC 2.0 over HTTP. Reads at most {@link #MAX_REQUEST_BYTES}, answers
 * single requests and batches, and turns every failure into a JSON-RPC error object with
 * HTTP 200 (transport errors, such as a wrong method or an oversized body, get their HTTP
 * status instead). Notifications (no {@code id}) run but get no response; a request made only
 * of notifications gets 204.
 */
final class RpcHandler implements HttpHandler {
  private static final Logger LOG = LoggerFactory.getLogger(RpcHandler.class);
  /** Requests are a method name and a few params; anything larger is refused unread. */
  static final int MAX_REQUEST_BYTES = 64 * 1024;
  /** Bounds the work one HTTP request can ask for. */
  static final int MAX_BATCH = 32;

  private final RpcMethods methods;
  private final ObjectMapper mapper;

  RpcHandler(RpcMethods methods, ObjectMapper mapper) {
    this.methods = methods;
    this.mapper = mapper;
  }

  @Override
  public void handle(HttpExchange ex) throws IOException {
    if (!"POST".equals(ex.getRequestMethod())) {
      ex.getResponseHeaders().set("Allow", "POST");
      Reply.text(ex, 405, "use POST with a JSON-RPC 2.0 body");
      return;
    }
    byte[] body = readBounded(ex);
    if (body == null) {
      Reply.text(ex, 413, "request body larger than " + MAX_REQUEST_BYTES + " bytes");
      return;
    }
    JsonNode response;
    JsonNode request;
    try {
      // Anything after the request is refused, not ignored: "{...} garbage" is not a request.
      request = mapper.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .readTree(body);
    } catch (JsonProcessingException e) {
      request = null;
    }
    if (request == null || request.isMissingNode()) {
      response = error(null, RpcException.PARSE_ERROR, "parse error: the body is not JSON");
    } else if (request.isArray()) {
      response = batch((ArrayNode) request);
    } else {
      response = single(request);
    }
    if (response == null) {
      Reply.empty(ex, 204);
      return;
    }
    Reply.send(ex, 200, Reply.JSON, mapper.writeValueAsBytes(response));
  }

  private JsonNode batch(ArrayNode requests) {
    if (requests.isEmpty()) {
      return error(null, RpcException.INVALID_REQUEST, "invalid request: empty batch");
    }
    if (requests.size() > MAX_BATCH) {
      return error(null, RpcException.INVALID_REQUEST,
          "invalid request: more than " + MAX_BATCH + " calls in one batch");
    }
    ArrayNode out = mapper.createArrayNode();
    for (JsonNode r : requests) {
      JsonNode one = single(r);
      if (one != null) {
        out.add(one);
      }
    }
    return out.isEmpty() ? null : out;
  }

  /** The response to one request object, or null for a notification. */
  private JsonNode single(JsonNode request) {
    JsonNode id = request.isObject() ? request.get("id") : null;
    if (!request.isObject()) {
      return error(null, RpcException.INVALID_REQUEST,
          "invalid request: expected a JSON-RPC 2.0 request object");
    }
    if (id != null && !(id.isTextual() || id.isNumber() || id.isNull())) {
      return error(null, RpcException.INVALID_REQUEST,
          "invalid request: id must be a string, a number or null");
    }
    if (!"2.0".equals(request.path("jsonrpc").textValue())) {
      return error(id, RpcException.INVALID_REQUEST, "invalid request: jsonrpc must be \"2.0\"");
    }
    JsonNode method = request.get("method");
    if (method == null || method.getNodeType() != JsonNodeType.STRING) {
      return error(id, RpcException.INVALID_REQUEST,
          "invalid request: method must be a string");
    }
    JsonNode params = request.get("params");
    if (params != null && !params.isObject() && !params.isArray()) {
      return error(id, RpcException.INVALID_REQUEST,
          "invalid request: params must be an object or an array");
    }
    JsonNode result;
    try {
      result = methods.call(method.textValue(), params);
    } catch (RpcException e) {
      return id == null ? null : error(id, e.code(), e.getMessage());
    } catch (InterruptedException e) {
      // The server is shutting down; the job goes on in the daemon.
      Thread.currentThread().interrupt();
      return id == null ? null : error(id, RpcException.INTERNAL_ERROR,
          "the API is shutting down; the job continues in the daemon");
    } catch (RuntimeException e) {
      // The edge of the request: a bug in the daemon must not drop the connection unanswered.
      LOG.error("JSON-RPC method {} failed", method.textValue(), e);
      return id == null ? null : error(id, RpcException.INTERNAL_ERROR,
          "internal error: " + e.getClass().getSimpleName() + "; see the daemon's log");
    }
    if (id == null) {
      return null;
    }
    ObjectNode out = mapper.createObjectNode();
    out.put("jsonrpc", "2.0");
    out.set("result", result);
    out.set("id", id);
    return out;
  }

  private JsonNode error(JsonNode id, int code, String message) {
    ObjectNode out = mapper.createObjectNode();
    out.put("jsonrpc", "2.0");
    ObjectNode err = out.putObject("error");
    err.put("code", code);
    err.put("message", message);
    out.set("id", id == null ? mapper.nullNode() : id);
    return out;
  }

  /** The body, or null if it is larger than the limit (by its header or by what arrives). */
  private static byte[] readBounded(HttpExchange ex) throws IOException {
    String declared = ex.getRequestHeaders().getFirst("Content-Length");
    if (declared != null) {
      try {
        if (Long.parseLong(declared.strip()) > MAX_REQUEST_BYTES) {
          return null;
        }
      } catch (NumberFormatException e) {
        return null;
      }
    }
    try (InputStream in = ex.getRequestBody()) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buf = new byte[8192];
      int n;
      while ((n = in.read(buf)) > 0) {
        if (out.size() + n > MAX_REQUEST_BYTES) {
          return null;
        }
        out.write(buf, 0, n);
      }
      return out.toByteArray();
    }
  }
}
