package dev.bulwark.core.tree;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.core.CorruptionException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class GoQuoteTest {

  private static byte[] bytes(int... values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      b[i] = (byte) values[i];
    }
    return b;
  }

  @Test
  void quotesNamedControlEscapes() {
    assertThat(GoQuote.quote("\u0007\b\f\r\n\t\u000b")).isEqualTo("\\a\\b\\f\\r\\n\\t\\v");
  }

  @Test
  void backslashesQuoteAndBackslash() {
    assertThat(GoQuote.quote("back\\slash")).isEqualTo("back\\\\slash");
    assertThat(GoQuote.quote("quo\"te")).isEqualTo("quo\\\"te");
  }

  @Test
  void keepsPrintableNonAsciiLiteral() {
    assertThat(GoQuote.quote("é")).isEqualTo("é");
    assertThat(GoQuote.quote("\u263a")).isEqualTo("\u263a");
    assertThat(GoQuote.quote("😀")).isEqualTo("😀");
    assertThat(GoQuote.quote("Ａ")).isEqualTo("Ａ");
    // A valid U+FFFD is a printable symbol, unlike an invalid byte that Go decodes to it.
    assertThat(GoQuote.quote("\ufffd")).isEqualTo("\ufffd");
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "00ad|\\u00ad",
        "200b|\\u200b",
        "00a0|\\u00a0",
        "2000|\\u2000",
        "3000|\\u3000",
        "2028|\\u2028",
        "0085|\\u0085",
        "feff|\\ufeff",
        "e000|\\ue000",
        "0378|\\u0378",
        "10ffff|\\U0010ffff",
        "e0001|\\U000e0001",
        "40000|\\U00040000",
        "7f|\\x7f",
        "1b|\\x1b",
        "0|\\x00",
        "1|\\x01",
      })
  void escapesNonPrintableRunes(String hexCodePoint, String expected) {
    String s = new StringBuilder().appendCodePoint(Integer.parseInt(hexCodePoint, 16)).toString();
    assertThat(GoQuote.quote(s)).isEqualTo(expected);
  }

  @Test
  void escapesSpacesOtherThanAsciiSpaceButNotAsciiSpace() {
    assertThat(GoQuote.quote("!\u00a0!\u2000!\u3000! ")).isEqualTo("!\\u00a0!\\u2000!\\u3000! ");
  }

  @Test
  void escapesEachInvalidUtf8ByteSeparately() {
    assertThat(GoQuote.quote(bytes(0xff))).isEqualTo("\\xff");
    assertThat(GoQuote.quote(bytes('a', 0xff, 'b'))).isEqualTo("a\\xffb");
    assertThat(GoQuote.quote(bytes(0xc0, 0x80))).isEqualTo("\\xc0\\x80");
    assertThat(GoQuote.quote(bytes(0xed, 0xa0, 0x80))).isEqualTo("\\xed\\xa0\\x80");
    assertThat(GoQuote.quote(bytes(0xf0, 0x9f, 0x98, 'x'))).isEqualTo("\\xf0\\x9f\\x98x");
    assertThat(GoQuote.quote(bytes(0xf4, 0x90, 0x80, 0x80))).isEqualTo("\\xf4\\x90\\x80\\x80");
    assertThat(GoQuote.quote(bytes(0xe2, 0x82))).isEqualTo("\\xe2\\x82");
  }

  @Test
  void encodesUnpairedSurrogateAsReplacementCharacter() {
    assertThat(GoQuote.quote("a\ud800b")).isEqualTo("a\ufffdb");
  }

  @Test
  void unquotesEveryEscapeGoAccepts() throws Exception {
    assertThat(GoQuote.unquote("\\a\\b\\f\\n\\r\\t\\v\\\\\\\""))
        .containsExactly(bytes(7, 8, 12, 10, 13, 9, 11, '\\', '"'));
    assertThat(GoQuote.unquote("\\xff\\xFF\\101\\377")).containsExactly(bytes(0xff, 0xff, 'A', 0xff));
    assertThat(GoQuote.unquote("\\u263a\\U0001F600"))
        .isEqualTo("\u263a😀".getBytes(StandardCharsets.UTF_8));
    assertThat(GoQuote.unquote("raw é\ttab")).isEqualTo("raw é\ttab".getBytes(StandardCharsets.UTF_8));
    assertThat(GoQuote.unquote("")).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "\\'", "\\q", "a\"b", "new\nline", "\\", "\\x1", "\\xg0", "\\u12", "\\ud800",
        "\\U00110000", "\\400", "\\12", "\\u０１２３"
      })
  void unquoteRejectsWhatGoRejects(String body) {
    assertThatThrownBy(() -> GoQuote.unquote(body)).isInstanceOf(CorruptionException.class);
  }

  @Test
  void unquoteNamesTheProblem() {
    assertThatThrownBy(() -> GoQuote.unquote("it\\'s"))
        .isInstanceOf(CorruptionException.class)
        .hasMessageContaining("unknown escape \\'");
    assertThatThrownBy(() -> GoQuote.unquote("say \"hi"))
        .hasMessageContaining("unescaped double quote");
  }

  @Test
  void quoteThenUnquoteRestoresRandomBytes() throws Exception {
    long seed = Long.getLong("bulwark.test.seed", new Random().nextLong());
    Random random = new Random(seed);
    for (int round = 0; round < 20_000; round++) {
      byte[] original = randomName(random);
      String quoted = GoQuote.quote(original);
      assertThat(GoQuote.unquote(quoted))
          .as("seed %d, round %d, quoted %s", seed, round, quoted)
          .isEqualTo(original);
      assertThat(quoted.replaceAll("\\\\.", ""))
          .as("seed %d: no unescaped newline or quote in %s", seed, quoted)
          .doesNotContain("\n", "\"");
    }
  }

  /** Mixes raw bytes with well-formed UTF-8 so both the escape and the literal paths are hit. */
  private static byte[] randomName(Random random) {
    StringBuilder text = new StringBuilder();
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    int parts = random.nextInt(6);
    for (int p = 0; p < parts; p++) {
      if (random.nextBoolean()) {
        byte[] raw = new byte[random.nextInt(5)];
        random.nextBytes(raw);
        out.writeBytes(raw);
      } else {
        text.setLength(0);
        int n = random.nextInt(4);
        for (int i = 0; i < n; i++) {
          int cp;
          do {
            cp = random.nextInt(4) == 0 ? random.nextInt(0x80) : random.nextInt(0x110000);
          } while (cp >= 0xd800 && cp <= 0xdfff);
          text.appendCodePoint(cp);
        }
        out.writeBytes(text.toString().getBytes(StandardCharsets.UTF_8));
      }
    }
    return out.toByteArray();
  }
}
