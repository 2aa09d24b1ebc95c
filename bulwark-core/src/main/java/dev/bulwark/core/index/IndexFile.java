package dev.bulwark.core.index;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bulwark.core.BlobType;
import dev.bulwark.core.CorruptionException;
import dev.bulwark.core.Id;
import dev.bulwark.core.pack.PackedBlob;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSON of one index file: which packs it describes and which index files it supersedes.
 */
public record IndexFile(List<Id> supersedes, List<PackBlobs> packs) {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonFactory FACTORY = new JsonFactory();

  public IndexFile {
    supersedes = List.copyOf(supersedes);
    packs = List.copyOf(packs);
  }

  /** Number of blobs described. */
  public int blobCount() {
    int n = 0;
    for (PackBlobs p : packs) {
      n += p.blobs().size();
    }
    return n;
  }

  /** The JSON restic writes, with a trailing newline as Go's encoder adds. */
  public byte[] toJson() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 + 160 * blobCount());
    try (JsonGenerator g = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
      g.writeStartObject();
      if (!supersedes.isEmpty()) {
        g.writeArrayFieldStart("supersedes");
        for (Id id : supersedes) {
          g.writeString(id.toString());
        }
        g.writeEndArray();
      }
      g.writeArrayFieldStart("packs");
      for (PackBlobs p : packs) {
        g.writeStartObject();
        g.writeStringField("id", p.pack().toString());
        g.writeArrayFieldStart("blobs");
        for (PackedBlob b : p.blobs()) {
          g.writeStartObject();
          g.writeStringField("id", b.id().toString());
          g.writeStringField("type", b.type().jsonName());
          g.writeNumberField("offset", b.offset());
          g.writeNumberField("length", b.length());
          if (b.isCompressed()) {
            g.writeNumberField("uncompressed_length", b.uncompressedLength());
          }
          g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    out.write('\n');
    return out.toByteArray();
  }

  /** Parses an index file, also restic's old format (a bare array of packs). */
  public static IndexFile parse(byte[] json, String what) throws CorruptionException {
    try {
      JsonNode root = MAPPER.readTree(json);
      List<Id> sup = new ArrayList<>();
      JsonNode packsNode;
      if (root.isArray()) {
        packsNode = root;
      } else {
        for (JsonNode s : root.path("supersedes")) {
          sup.add(Id.parse(s.asText()));
        }
        packsNode = root.path("packs");
      }
      List<PackBlobs> packs = new ArrayList<>();
      for (JsonNode p : packsNode) {
        Id packId = Id.parse(p.path("id").asText());
        List<PackedBlob> blobs = new ArrayList<>();
        for (JsonNode b : p.path("blobs")) {
          blobs.add(new PackedBlob(BlobType.fromJson(b.path("type").asText()),
              Id.parse(b.path("id").asText()), b.path("offset").asLong(),
              Math.toIntExact(b.path("length").asLong()),
              Math.toIntExact(b.path("uncompressed_length").asLong(0))));
        }
        packs.add(new PackBlobs(packId, blobs));
      }
      return new IndexFile(sup, packs);
    } catch (IOException | IllegalArgumentException | ArithmeticException e) {
      throw new CorruptionException(what + ": not a valid index: " + e.getMessage(), e);
    }
  }
}
