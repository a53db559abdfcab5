using System.Globalization;
using System.Text;

namespace Recovery.AuthServer.Common;

/// <summary>
/// Short group tags that share a shard with a given group without naming it: for each of Redis Cluster's 16,384 hash
/// slots, the first <c>n</c> whose tag <c>o:&lt;n&gt;</c> hashes to that slot (CRC16, as Redis Cluster's key slot of a
/// hash tag). An id written with the twin of <c>c:&lt;customer id&gt;</c> keeps its records in the customer's slot, so
/// one script may touch them with the customer's own keys, while the id shows the slot (14 bits of a CRC of the customer
/// id) and never the id itself (docs/security.md, "Operation ids").
/// </summary>
public static class SlotTwins
{
    /// <summary>Redis Cluster's hash slots.</summary>
    public const int Slots = 16384;

    /// <summary>The digits a twin is written with in an id (the largest, 141,573, has six), so every id has one length.</summary>
    public const int Digits = 6;

    private static readonly ushort[] Crc = CrcTable();

    // Built once, on first use (about 141,000 CRCs of a few bytes: a few milliseconds), then read only.
    private static readonly int[] Twins = BuildTwins();

    /// <summary>The hash slot of a group (the text between a key's braces), as Redis Cluster computes it.</summary>
    public static int SlotOf(string group)
    {
        Span<byte> bytes = stackalloc byte[Encoding.UTF8.GetMaxByteCount(group.Length)];
        return Crc16(bytes[..Encoding.UTF8.GetBytes(group, bytes)]) & (Slots - 1);
    }

    /// <summary>The twin of <paramref name="group"/>: the first <c>n</c> whose tag <see cref="Tag"/> shares its slot.</summary>
    public static int TwinOf(string group) => Twins[SlotOf(group)];

    /// <summary>The group tag of twin <paramref name="twin"/> (<c>o:&lt;n&gt;</c>).</summary>
    public static string Tag(int twin) => "o:" + twin.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// An id that names the twin of <paramref name="group"/>: the twin in <see cref="Digits"/> digits, <c>_</c>, then
    /// <paramref name="token"/> (<c>012345_&lt;token&gt;</c>). Operation and recovery ids are written this way.
    /// </summary>
    public static string IdIn(string group, string token) =>
        TwinOf(group).ToString("D6", CultureInfo.InvariantCulture) + "_" + token;

    /// <summary>
    /// The twin an id written by <see cref="IdIn"/> with a token of <paramref name="tokenLength"/> characters names; false
    /// for any other id (one of an earlier layout, or junk). Digits no group has are a tag like any other: its records
    /// are simply not there.
    /// </summary>
    public static bool TryTwinOfId(string id, int tokenLength, out int twin)
    {
        twin = 0;
        return id.Length == Digits + 1 + tokenLength && id[Digits] == '_' &&
            int.TryParse(id.AsSpan(0, Digits), NumberStyles.None, CultureInfo.InvariantCulture, out twin);
    }

    // CRC-16/XMODEM (polynomial 0x1021, initial 0), Redis Cluster's key hash.
    private static int Crc16(ReadOnlySpan<byte> data)
    {
        ushort crc = 0;
        foreach (var b in data)
        {
            crc = (ushort)((crc << 8) ^ Crc[((crc >> 8) ^ b) & 0xFF]);
        }

        return crc;
    }

    private static ushort[] CrcTable()
    {
        var table = new ushort[256];
        for (var i = 0; i < 256; i++)
        {
            var crc = (ushort)(i << 8);
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 0x8000) != 0 ? (ushort)((crc << 1) ^ 0x1021) : (ushort)(crc << 1);
            }

            table[i] = crc;
        }

        return table;
    }

    private static int[] BuildTwins()
    {
        var twins = new int[Slots];
        Array.Fill(twins, -1);
        var found = 0;
        Span<byte> tag = stackalloc byte[16];
        tag[0] = (byte)'o';
        tag[1] = (byte)':';
        for (var n = 0; found < Slots; n++)
        {
            n.TryFormat(tag[2..], out var written, provider: CultureInfo.InvariantCulture);
            var slot = Crc16(tag[..(2 + written)]) & (Slots - 1);
            if (twins[slot] < 0)
            {
                twins[slot] = n;
                found++;
            }
        }

        return twins;
    }
}
