using System.Security.Cryptography;
using System.Text;

namespace Recovery.AuthServer.Security;

/// <summary>HMAC-SHA256 helpers: how cards, codes, temporary passwords and tokens are kept at rest.</summary>
public static class KeyedHash
{
    public static byte[] Compute(byte[] key, string value)
    {
        var mac = new byte[HMACSHA256.HashSizeInBytes];
        ComputeInto(key, value, mac);
        return mac;
    }

    /// <summary>HMAC-SHA256 of <paramref name="value"/> (UTF-8) into <paramref name="mac"/> (32 bytes), allocating nothing.</summary>
    public static void ComputeInto(byte[] key, string value, Span<byte> mac)
    {
        var byteCount = Encoding.UTF8.GetByteCount(value);
        Span<byte> buffer = byteCount <= 256 ? stackalloc byte[byteCount] : new byte[byteCount];
        Encoding.UTF8.GetBytes(value, buffer);
        HmacContexts.Compute(key, buffer, mac);
        CryptographicOperations.ZeroMemory(buffer);
    }

    /// <summary>HMAC-SHA256 of bytes under a label, so that one key can serve several purposes without collisions.</summary>
    public static byte[] Compute(byte[] key, string label, ReadOnlySpan<byte> value)
    {
        // label ‖ '\n' ‖ value in one buffer and one HMAC on a context already keyed (HmacContexts).
        var labelLength = Encoding.UTF8.GetByteCount(label);
        var length = labelLength + 1 + value.Length;
        Span<byte> buffer = length <= 512 ? stackalloc byte[length] : new byte[length];
        Encoding.UTF8.GetBytes(label, buffer);
        buffer[labelLength] = (byte)'\n';
        value.CopyTo(buffer[(labelLength + 1)..]);
        var mac = new byte[HMACSHA256.HashSizeInBytes];
        HmacContexts.Compute(key, buffer, mac);
        CryptographicOperations.ZeroMemory(buffer);
        return mac;
    }

    /// <summary>HMAC-SHA256 of <paramref name="data"/> as it is (no label), on a context already keyed.</summary>
    public static byte[] Mac(byte[] key, ReadOnlySpan<byte> data)
    {
        ArgumentNullException.ThrowIfNull(key);
        var mac = new byte[HMACSHA256.HashSizeInBytes];
        HmacContexts.Compute(key, data, mac);
        return mac;
    }

    /// <summary>Hex form for use as a lookup key; one-way, so it reveals nothing of the input.</summary>
    public static string ComputeHex(byte[] key, string value)
    {
        // The MAC stays on the stack: a card lookup, a document and an audit subject are hashed on every StartRecovery.
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        ComputeInto(key, value, mac);
        return Convert.ToHexStringLower(mac);
    }

    /// <summary>Constant-time comparison: the time taken does not depend on where the inputs differ.</summary>
    public static bool FixedTimeEquals(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b) => CryptographicOperations.FixedTimeEquals(a, b);
}
