using System.Text;

namespace Recovery.AuthServer.IntegrationTests.Infrastructure;

/// <summary>
/// Field values an attacker would try, as the bytes that go on the wire: hostile strings (empty, NUL,
/// noncharacters, lone surrogates, bidi controls, emoji, 1 MB, 10k digits, Lua/JSON/CSV/format metacharacters,
/// text that NFKC expands), byte sequences that are not UTF-8 at all, and plausible values (a demo customer's
/// card, document, user code, password…) so that a share of the calls reaches past validation.
/// Strings are encoded as WTF-8: a lone surrogate becomes its three-byte form (ED A0 80), which no typed
/// client can send.
/// </summary>
internal static class HostileInput
{
    private static readonly string[] Strings =
    [
        "", " ", "\0", "a\0b", "\0\0\0\0\0\0", "\uFFFE", "\uFFFF", "ab\uFFFEcd", "\uFDD0", "\uDBFF\uDFFF" /* U+10FFFF */,
        "\uD800", "\uDC00", "x\uD83Dy", "\uDC00\uD800", "\u202E\u200Fabc\u202C", "\u200B\u200C\u200D\uFEFF", "\t\r\n\u00A0\u3000\u2028",
        "👍🏽", "👨‍👩‍👧‍👦", "🇪🇸🇪🇸🇪🇸", string.Concat(Enumerable.Repeat("e\u0301", 500)), "\uFDFA", string.Concat(Enumerable.Repeat("\uFDFA", 300)),
        "ﬃ", "İı", "１２３４５６", "٠١٢٣٤٥", "¹²³⁴⁵⁶", "Ⅻ", "\u0000\u0001\u001F\u007F\u0080\u009F",
        "\"]] .. redis.call('FLUSHALL') .. [[", "'); redis.call('DEL', KEYS[1]); --", "{\"a\":[1,2", "\\u0000\\ud800", "{}", "null", "[]",
        "=cmd|' /C calc'!A0", "+SUM(1,1)", "-2+3", "@A1", "a,b,\"c\"\r\nd", "%s%s%n%x", "{0}{1}", "${jndi:ldap://127.0.0.1/a}",
        "<script>alert(1)</script>", "../../../../etc/passwd", "C:\\con\\nul", "NaN", "-1", "-0", "1e309", "0x7FFFFFFF",
        "99999999999999999999999999999999", "4548812044110335\0", "4548 8120 4411 0335", "4548-8120-4411-0335", "12/29\0", "00/00", "13/99",
        "12345678Z ", "x1234567l", "demo-0001\n", "10000001;", "*", "?", "%", "_", "\\", "\"", "'", "`",
    ];

    // Plausible values: demo customers' data, well-shaped codes, ids and passwords.
    private static readonly string[] Plausible =
    [
        "4548812044110335", "5403751077331015", "4917610000123455", "12/29", "08/28", "03/30", "12345678Z", "X1234567L", "PAB1234567",
        "10000001", "10000002", "10000003", "demo-0001", "demo-0002", "Antigua#Clave42", "Girasol%Norte58", "Tortuga-Lunar-73!", "dev-ok",
        "123456", "000000", "999999", "es-ES", "en", "es", "+34612345331", "maria.garcia@example.es", "MARÍA GARCÍA LÓPEZ", "1990-01-31",
        "12345678", "agente.0042", "AAAAAAAAAAAAAAAAAAAAAA", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    ];

    // Byte sequences that are not UTF-8: a surrogate in UTF-8 form, bytes never valid, overlong forms, cut sequences.
    private static readonly byte[][] NotUtf8 =
    [
        [0xED, 0xA0, 0x80], [0xED, 0xBF, 0xBF], [0xFF], [0xFE], [0xC0, 0x80], [0xC1, 0xBF], [0xE0, 0x80, 0xAF], [0xF0, 0x80, 0x80, 0xAF],
        [0xE2, 0x82], [0xF0, 0x9F, 0x98], [0x80], [0xBF, 0xBF], [0xF5, 0x80, 0x80, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xC3],
    ];

    /// <summary>The bytes of a string field's value.</summary>
    public static byte[] StringBytes(Random random)
    {
        // Per field, about one value in ten is not UTF-8 (bytes, or a lone surrogate): enough to be hit on every
        // RPC, few enough that messages with a dozen string fields still often reach their handler.
        var roll = random.Next(1000);
        return roll switch
        {
            < 350 => Wtf8(Strings[random.Next(Strings.Length)]),
            < 650 => Wtf8(Plausible[random.Next(Plausible.Length)]),
            < 780 => Mixed(random),
            < 800 => [.. Wtf8(Plausible[random.Next(Plausible.Length)]), .. NotUtf8[random.Next(NotUtf8.Length)]],
            < 810 => NotUtf8[random.Next(NotUtf8.Length)],
            < 840 => Encoding.ASCII.GetBytes(new string('9', 10_000)),
            < 850 => Wtf8(new string('A', random.Next(15_000, 16_500))),
            < 853 => Enumerable.Repeat((byte)'A', 1 << 20).ToArray(),
            < 980 => Wtf8(RandomText(random, random.Next(1, 40))),
            _ => RandomBytes(random, random.Next(1, 64)),
        };
    }

    public static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    /// <summary>UTF-16 code units to bytes as UTF-8 does, except that a lone surrogate is encoded on its own (WTF-8).</summary>
    public static byte[] Wtf8(string text)
    {
        var bytes = new List<byte>(text.Length * 3);
        for (var i = 0; i < text.Length; i++)
        {
            int cp = text[i];
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                cp = char.ConvertToUtf32(text[i], text[i + 1]);
                i++;
            }

            switch (cp)
            {
                case < 0x80:
                    bytes.Add((byte)cp);
                    break;
                case < 0x800:
                    bytes.Add((byte)(0xC0 | (cp >> 6)));
                    bytes.Add((byte)(0x80 | (cp & 0x3F)));
                    break;
                case < 0x10000:
                    bytes.Add((byte)(0xE0 | (cp >> 12)));
                    bytes.Add((byte)(0x80 | ((cp >> 6) & 0x3F)));
                    bytes.Add((byte)(0x80 | (cp & 0x3F)));
                    break;
                default:
                    bytes.Add((byte)(0xF0 | (cp >> 18)));
                    bytes.Add((byte)(0x80 | ((cp >> 12) & 0x3F)));
                    bytes.Add((byte)(0x80 | ((cp >> 6) & 0x3F)));
                    bytes.Add((byte)(0x80 | (cp & 0x3F)));
                    break;
            }
        }

        return [.. bytes];
    }

    // A plausible value with a hostile piece inserted somewhere.
    private static byte[] Mixed(Random random)
    {
        var plausible = Plausible[random.Next(Plausible.Length)];
        var at = random.Next(plausible.Length + 1);
        return Wtf8(plausible[..at] + Strings[random.Next(Strings.Length)] + plausible[at..]);
    }

    // Random code points from the whole range, surrogates and noncharacters included.
    private static string RandomText(Random random, int length)
    {
        var builder = new StringBuilder();
        for (var i = 0; i < length; i++)
        {
            var cp = random.Next(4) == 0 ? random.Next(0x20, 0x7F) : random.Next(0, 0x110000);
            builder.Append(cp is >= 0xD800 and <= 0xDFFF || cp < 0x10000 ? ((char)cp).ToString() : char.ConvertFromUtf32(cp));
        }

        return builder.ToString();
    }
}
