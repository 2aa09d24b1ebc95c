package dev.bulwark.core.tree;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.core.CorruptionException;
import dev.bulwark.core.Id;
import dev.bulwark.core.IdList;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;

/**
 * A directory listing as restic stores it in a tree blob: nodes sorted by the unsigned bytes of
 * their names, names unique (restic-format.md §6).
 *
 * <p>{@link #toJson()} writes exactly what restic 0.14 writes for the same nodes, so the tree id
 * ({@code Id.hash(tree.toJson())}) is restic's. {@link #parse} reads restic's trees and, leniently,
 * those of other writers. Immutable and thread-safe.
 *
 * <table>
 *   <caption>Node keys in the order written; omitted ones only when the condition holds</caption>
 *   <tr><th>key</th><th>omitted when</th></tr>
 *   <tr><td>name</td><td>never; Go-quoted ({@link GoQuote}), then JSON-escaped</td></tr>
 *   <tr><td>type</td><td>never</td></tr>
 *   <tr><td>mode</td><td>0</td></tr>
 *   <tr><td>mtime, atime, ctime</td><td>never; zero time is 0001-01-01T00:00:00Z</td></tr>
 *   <tr><td>uid, gid</td><td>never</td></tr>
 *   <tr><td>user, group</td><td>empty</td></tr>
 *   <tr><td>inode, device_id, size, links</td><td>0</td></tr>
 *   <tr><td>linktarget</td><td>none; bytes that are not UTF-8 as U+FFFD, as restic 0.14</td></tr>
 *   <tr><td>linktarget_raw</td><td>none or UTF-8; else base64 of the bytes, as restic 0.16</td></tr>
 *   <tr><td>device</td><td>0</td></tr>
 *   <tr><td>content</td><td>never; {@code null} unless a file</td></tr>
 *   <tr><td>subtree</td><td>not a directory</td></tr>
 * </table>
 *
 * @param nodes the entries, in any order: the constructor sorts a copy
 */
public record Tree(List<Node> nodes) {
  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
  // Reads one field's value at a time from a parser that goes on: no trailing-token check.
  private static final ObjectMapper FIELD_VALUES = new ObjectMapper();
  private static final BigInteger TWO_TO_64 = BigInteger.ONE.shiftLeft(64);
  private static final long MAX_UINT32 = 0xFFFF_FFFFL;

  /**
   * Copies and sorts {@code nodes} by the unsigned bytes of their names, Go's string order.
   *
   * @throws IllegalArgumentException if two nodes have the same name
   */
  public Tree {
    List<Node> sorted = new ArrayList<>(nodes);
    sorted.sort(Comparator.comparing(Node::name));
    for (int i = 1; i < sorted.size(); i++) {
      if (sorted.get(i - 1).name().equals(sorted.get(i).name())) {
        throw new IllegalArgumentException("duplicate name in tree: " + sorted.get(i).name());
      }
    }
    nodes = List.copyOf(sorted);
  }

  /**
   * The tree blob plaintext as restic writes it: {@code {"nodes":[...]}} and a newline, each
   * node's keys in Go's order with Go's omission and escaping rules (see the class table).
   */
  public byte[] toJson() {
    // Counted first, then written into an array of exactly that size: a file's content list
    // can be tens of megabytes of JSON, and a growing builder plus its String and byte copies
    // held four or five times that at once.
    CountingOut counter = new CountingOut();
    writeJson(counter);
    if (counter.count > Integer.MAX_VALUE - 16) {
      throw new IllegalStateException("tree of " + counter.count + " bytes of JSON is too large");
    }
    ArrayOut out = new ArrayOut(new byte[(int) counter.count]);
    writeJson(out);
    return out.bytes;
  }

  /**
   * The tree blob's id, {@code Id.hash(toJson())}, without holding the JSON.
   *
   * @return the SHA-256 of the tree's JSON
   */
  public Id id() {
    MessageDigest sha = Id.sha256();
    try {
      writeJson(new DigestOutputStream(OutputStream.nullOutputStream(), sha));
    } catch (IOException e) {
      throw new IllegalStateException("hashing in memory failed", e);
    }
    return Id.of(sha.digest());
  }

  /**
   * The length of {@link #toJson()} in bytes, without making it.
   *
   * @return how many bytes the tree blob's plaintext has
   */
  public long jsonLength() {
    CountingOut counter = new CountingOut();
    writeJson(counter);
    return counter.count;
  }

  /**
   * Writes the bytes {@link #toJson()} returns to {@code out}, without holding them: a file's
   * content list at small chunks is tens of megabytes of JSON.
   *
   * @param out where the tree blob's plaintext goes; not closed
   * @throws IOException if {@code out} fails
   */
  public void writeJson(OutputStream out) throws IOException {
    try {
      writeJson(new StreamOut(out));
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  private void writeJson(ByteSink out) {
    out.ascii("{\"nodes\":[");
    for (int i = 0; i < nodes.size(); i++) {
      if (i > 0) {
        out.ascii(",");
      }
      Node n = nodes.get(i);
      StringBuilder head = new StringBuilder(400);
      appendNode(head, n);
      int cut = head.indexOf(CONTENT_MARK);
      out.utf8(head.substring(0, cut));
      if (n.content() == null) {
        out.ascii("null");
      } else {
        out.ascii("[");
        for (int c = 0; c < n.content().size(); c++) {
          out.ascii(c > 0 ? ",\"" : "\"");
          out.ascii(n.content().get(c).toString());
          out.ascii("\"");
        }
        out.ascii("]");
      }
      out.utf8(head.substring(cut + CONTENT_MARK.length()));
    }
    out.ascii("]}\n");
    out.end();
  }

  // Where appendNode leaves the content list for writeJson to stream; no JSON holds it, as
  // appendNode escapes every string it writes.
  private static final String CONTENT_MARK = "\0content\0";

  /** Where writeJson puts bytes. */
  private interface ByteSink {
    /** A string known to be ASCII. */
    void ascii(String s);

    default void utf8(String s) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      raw(b);
    }

    void raw(byte[] b);

    /** Called once after the last byte. */
    default void end() {}
  }

  private static final class CountingOut implements ByteSink {
    long count;

    @Override
    public void ascii(String s) {
      count += s.length();
    }

    @Override
    public void raw(byte[] b) {
      count += b.length;
    }
  }

  private static final class ArrayOut implements ByteSink {
    final byte[] bytes;
    int pos;

    ArrayOut(byte[] bytes) {
      this.bytes = bytes;
    }

    @Override
    public void ascii(String s) {
      for (int i = 0; i < s.length(); i++) {
        bytes[pos++] = (byte) s.charAt(i);
      }
    }

    @Override
    public void raw(byte[] b) {
      System.arraycopy(b, 0, bytes, pos, b.length);
      pos += b.length;
    }
  }

  /** Writes to a stream through a small buffer; {@link #writeJson(OutputStream)} unwraps. */
  private static final class StreamOut implements ByteSink {
    private final OutputStream out;
    private final byte[] buffer = new byte[8192];
    private int pos;

    StreamOut(OutputStream out) {
      this.out = out;
    }

    @Override
    public void ascii(String s) {
      for (int i = 0; i < s.length(); i++) {
        if (pos == buffer.length) {
          drain();
        }
        buffer[pos++] = (byte) s.charAt(i);
      }
    }

    @Override
    public void raw(byte[] b) {
      drain();
      write(b, b.length);
    }

    @Override
    public void end() {
      drain();
    }

    private void drain() {
      write(buffer, pos);
      pos = 0;
    }

    private void write(byte[] b, int len) {
      try {
        out.write(b, 0, len);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private static void appendNode(StringBuilder out, Node n) {
    out.append("{\"name\":");
    GoJson.appendString(out, n.name().quoted());
    out.append(",\"type\":\"").append(n.type().jsonName()).append('"');
    appendUnsignedUnlessZero(out, "mode", n.mode());
    out.append(",\"mtime\":\"").append(GoJson.formatTime(n.mtime())).append('"');
    out.append(",\"atime\":\"").append(GoJson.formatTime(n.atime())).append('"');
    out.append(",\"ctime\":\"").append(GoJson.formatTime(n.ctime())).append('"');
    out.append(",\"uid\":").append(n.uid());
    out.append(",\"gid\":").append(n.gid());
    appendStringUnlessEmpty(out, "user", n.user());
    appendStringUnlessEmpty(out, "group", n.group());
    appendUnsignedUnlessZero(out, "inode", n.inode());
    appendUnsignedUnlessZero(out, "device_id", n.deviceId());
    appendUnsignedUnlessZero(out, "size", n.size());
    appendUnsignedUnlessZero(out, "links", n.links());
    if (n.linkTarget() != null) {
      appendStringUnlessEmpty(out, "linktarget", n.linkTarget().forGoJson());
      if (!n.linkTarget().isUtf8()) {
        // restic >= 0.16 reads the bytes from here; 0.14 ignores the key and keeps the above.
        out.append(",\"linktarget_raw\":\"")
            .append(Base64.getEncoder().encodeToString(n.linkTarget().bytes())).append('"');
      }
    }
    appendUnsignedUnlessZero(out, "device", n.device());
    out.append(",\"content\":").append(CONTENT_MARK);
    if (n.subtree() != null) {
      out.append(",\"subtree\":\"").append(n.subtree()).append('"');
    }
    out.append('}');
  }

  private static void appendUnsignedUnlessZero(StringBuilder out, String key, long value) {
    if (value != 0) {
      out.append(",\"").append(key).append("\":").append(Long.toUnsignedString(value));
    }
  }

  private static void appendStringUnlessEmpty(StringBuilder out, String key, String value) {
    if (!value.isEmpty()) {
      out.append(",\"").append(key).append("\":");
      GoJson.appendString(out, value);
    }
  }

  /**
   * Reads a tree blob's plaintext. Lenient where restic's Go decoder is: unknown keys (such as
   * {@code summary}, {@code generic_attributes}, {@code linktarget_raw}, {@code
   * extended_attributes}, {@code error}) are ignored, missing or {@code null} optional fields are
   * zero or empty, times may carry any offset, uint64 fields use the full unsigned range, the
   * nodes may come unsorted. Names are Go-unquoted to their bytes; a symlink's target comes from
   * {@code linktarget_raw} when present, else from {@code linktarget}.
   *
   * @throws CorruptionException if the bytes are not JSON, a name is badly Go-quoted or {@code
   *     linktarget_raw} is not base64, a field has
   *     the wrong type or range, a type is unknown, a file lacks its content list, a directory its
   *     subtree, or two nodes share a name
   */
  public static Tree parse(byte[] json) throws CorruptionException {
    try {
      return parse(new ByteArrayInputStream(json));
    } catch (IOException e) {
      throw new IllegalStateException("reading an array failed", e);
    }
  }

  /**
   * Reads a tree blob's plaintext from a stream, as {@link #parse(byte[])} does, holding only
   * the nodes it builds (a content list at 32 bytes an id, not its JSON text). The stream is
   * read to its end (so a stream that verifies its bytes at the end has done so when this
   * returns) and not closed.
   *
   * @throws CorruptionException as {@link #parse(byte[])}
   * @throws IOException if the stream fails (as it is, not as a corruption)
   */
  public static Tree parse(InputStream json) throws IOException, CorruptionException {
    List<Node> nodes = new ArrayList<>();
    try (JsonParser p = JSON.getFactory().createParser(json)
        .disable(JsonParser.Feature.AUTO_CLOSE_SOURCE)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new CorruptionException("tree is not a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if (!field.equals("nodes")) {
          p.skipChildren();
        } else if (value == JsonToken.START_ARRAY) {
          // A repeated key wins, as in Go's decoder.
          nodes = new ArrayList<>();
          while (p.nextToken() != JsonToken.END_ARRAY) {
            nodes.add(readNode(p, nodes.size()));
          }
        } else if (value == JsonToken.VALUE_NULL) {
          nodes = new ArrayList<>();
        } else {
          throw new CorruptionException("tree's \"nodes\" is not an array");
        }
      }
      if (p.nextToken() != null) {
        throw new CorruptionException("tree is not valid JSON: trailing data after the tree");
      }
    } catch (JsonProcessingException e) {
      throw new CorruptionException("tree is not valid JSON: " + e.getMessage(), e);
    }
    try {
      return new Tree(nodes);
    } catch (IllegalArgumentException e) {
      throw new CorruptionException("invalid tree: " + e.getMessage(), e);
    }
  }

  /**
   * Reads the node object the parser is on: every field but the content list into a small
   * JSON object, the content list straight into an {@link IdList}.
   */
  private static Node readNode(JsonParser p, int index) throws IOException, CorruptionException {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      throw new CorruptionException("tree node " + index + " is not a JSON object");
    }
    ObjectNode fields = JsonNodeFactory.instance.objectNode();
    Content content = Content.MISSING;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken value = p.nextToken();
      if (field.equals("content")) {
        content = value == JsonToken.START_ARRAY ? readContent(p) : Content.MISSING;
        p.skipChildren();
      } else {
        fields.set(field, value == JsonToken.VALUE_NULL ? NullNode.getInstance()
            : FIELD_VALUES.readTree(p));
      }
    }
    return readNode(fields, content, index);
  }

  /**
   * A node's content list as read, or why it is not one; a problem matters only for a file
   * (restic ignores the content of other nodes).
   */
  private record Content(List<Id> ids, String problem) {
    // restic's check reports a file with content null as "has nil blob list".
    static final Content MISSING = new Content(null, "file has no content list");
  }

  private static Content readContent(JsonParser p) throws IOException {
    IdList.Builder ids = IdList.builder();
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      if (t != JsonToken.VALUE_STRING) {
        p.skipChildren();
        skipToEndOfArray(p);
        return new Content(null, "content holds a non-string");
      }
      String hex = p.getText();
      if (!Id.isValid(hex)) {
        skipToEndOfArray(p);
        return new Content(null, "not an id: " + hex);
      }
      ids.add(Id.parse(hex));
    }
    return new Content(ids.build(), null);
  }

  /** Moves the parser to the end of the array it is in. */
  private static void skipToEndOfArray(JsonParser p) throws IOException {
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      if (t == null) {
        throw new JsonParseException(p, "unexpected end of input in a content list");
      }
      p.skipChildren();
    }
  }

  private static Node readNode(ObjectNode n, Content c, int index) throws CorruptionException {
    JsonNode quotedName = n.path("name");
    if (!quotedName.isTextual()) {
      throw new CorruptionException("tree node " + index + " has no name");
    }
    String where = "tree node " + index + " (" + quotedName.textValue() + ")";
    FileName name;
    try {
      name = FileName.of(GoQuote.unquote(quotedName.textValue()));
    } catch (CorruptionException | IllegalArgumentException e) {
      throw new CorruptionException(where + ": name: " + e.getMessage(), e);
    }
    String typeName = text(n, "type", where);
    NodeType type =
        NodeType.fromJsonName(typeName)
            .orElseThrow(() -> new CorruptionException(where + ": unknown type " + typeName));
    List<Id> content = null;
    Id subtree = null;
    if (type == NodeType.FILE) {
      if (c.problem() != null) {
        throw new CorruptionException(where + ": " + c.problem());
      }
      content = c.ids();
    } else if (type == NodeType.DIR) {
      String hex = text(n, "subtree", where);
      if (hex == null) {
        throw new CorruptionException(where + ": directory has no subtree");
      }
      subtree = id(hex, where);
    }
    try {
      return Node.builder(name, type)
          .mode(uint32(n, "mode", where))
          .mtime(time(n, "mtime", where))
          .atime(time(n, "atime", where))
          .ctime(time(n, "ctime", where))
          .uid(uint32(n, "uid", where))
          .gid(uint32(n, "gid", where))
          .user(text(n, "user", where))
          .group(text(n, "group", where))
          .inode(uint64(n, "inode", where))
          .deviceId(uint64(n, "device_id", where))
          .size(uint64(n, "size", where))
          .links(uint64(n, "links", where))
          .linkTarget(linkTarget(n, where))
          .device(uint64(n, "device", where))
          .content(content)
          .subtree(subtree)
          .build();
    } catch (IllegalArgumentException e) {
      throw new CorruptionException(where + ": " + e.getMessage(), e);
    }
  }

  private static LinkTarget linkTarget(JsonNode n, String where) throws CorruptionException {
    String raw = text(n, "linktarget_raw", where);
    if (raw != null && !raw.isEmpty()) {
      try {
        return LinkTarget.of(Base64.getDecoder().decode(raw));
      } catch (IllegalArgumentException e) {
        throw new CorruptionException(where + ": linktarget_raw is not base64", e);
      }
    }
    String text = text(n, "linktarget", where);
    return text == null || text.isEmpty() ? null : LinkTarget.of(text);
  }

  private static Id id(String hex, String where) throws CorruptionException {
    if (!Id.isValid(hex)) {
      throw new CorruptionException(where + ": not an id: " + hex);
    }
    return Id.parse(hex);
  }

  /** A string field; {@code null} when missing or JSON null, as Go leaves the zero value. */
  private static String text(JsonNode n, String key, String where) throws CorruptionException {
    JsonNode v = n.path(key);
    if (v.isMissingNode() || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw new CorruptionException(where + ": " + key + " is not a string");
    }
    return v.textValue();
  }

  private static Instant time(JsonNode n, String key, String where) throws CorruptionException {
    String s = text(n, key, where);
    if (s == null) {
      return null;
    }
    Instant t;
    try {
      t = OffsetDateTime.parse(s).toInstant();
    } catch (DateTimeParseException e) {
      throw new CorruptionException(where + ": " + key + " is not an RFC 3339 time: " + s, e);
    }
    return t.equals(GoJson.ZERO_TIME) ? null : t;
  }

  private static long uint32(JsonNode n, String key, String where) throws CorruptionException {
    long v = uint64(n, key, where);
    if (Long.compareUnsigned(v, MAX_UINT32) > 0) {
      throw new CorruptionException(where + ": " + key + " exceeds uint32: " + Long.toUnsignedString(v));
    }
    return v;
  }

  /** An unsigned 64-bit field as a {@code long} holding the same bits; 0 when missing. */
  private static long uint64(JsonNode n, String key, String where) throws CorruptionException {
    JsonNode v = n.path(key);
    if (v.isMissingNode() || v.isNull()) {
      return 0;
    }
    if (!v.isIntegralNumber()) {
      throw new CorruptionException(where + ": " + key + " is not an integer: " + v);
    }
    BigInteger b = v.bigIntegerValue();
    if (b.signum() < 0 || b.compareTo(TWO_TO_64) >= 0) {
      throw new CorruptionException(where + ": " + key + " is not a uint64: " + b);
    }
    return b.longValue();
  }
}
