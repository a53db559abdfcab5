using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace Recovery.AuthServer.IntegrationTests.Infrastructure;

/// <summary>
/// Request bodies for any method, built from its descriptor: each field present or not, strings from
/// <see cref="HostileInput"/>, numbers from the edges of their range, nested and repeated messages; then, for a
/// share of them, bytes that are not protobuf (flipped, cut, inserted, unknown fields) and framing that lies
/// (declared length, compressed flag, extra or missing frames). Everything comes from the <see cref="Random"/>
/// given, so a seed reproduces a run.
/// </summary>
internal static class ProtoFuzzer
{
    private static readonly long[] Numbers = [0, 1, -1, 2, 5, 10, 11, 127, 128, 255, 65_535, int.MaxValue, int.MinValue, uint.MaxValue, long.MaxValue, long.MinValue];

    /// <summary>The serialized message (possibly corrupted). Never throws.</summary>
    public static byte[] Message(MessageDescriptor descriptor, Random random)
    {
        var message = Valid(descriptor, random, depth: 0);
        return random.Next(100) switch
        {
            < 12 => Corrupt(message, random),
            < 16 => [.. message, .. UnknownFields(random)],
            _ => message,
        };
    }

    /// <summary>The request body: one frame per message, or (a share of the time) framing that lies.</summary>
    public static (byte[] Body, string Framing) Body(IReadOnlyList<byte[]> messages, Random random)
    {
        byte[] Frames() => [.. messages.SelectMany(m => RawGrpc.Frame(m))];
        var first = messages[0];
        return random.Next(100) switch
        {
            < 86 => (Frames(), "frames"),
            < 88 => (RawGrpc.Frame(first, 0, (uint)first.Length + (uint)random.Next(1, 200)), "declared longer"),
            < 89 when first.Length > 0 => (RawGrpc.Frame(first, 0, (uint)random.Next(first.Length)), "declared shorter"),
            < 91 => (RawGrpc.Frame(first, (byte)random.Next(1, 256), (uint)first.Length), "flag"),
            < 93 => ([.. Frames(), .. RawGrpc.Frame(first)], "extra frame"),
            < 94 => ([], "empty"),
            < 95 => ([.. Frames(), .. HostileInput.RandomBytes(random, random.Next(1, 5))], "trailing header bytes"),
            < 96 => (RawGrpc.Frame(first, 0, uint.MaxValue - (uint)random.Next(3)), "declared 4 GiB"),
            < 98 => (HostileInput.RandomBytes(random, random.Next(1, 64)), "random body"),
            _ => (Frames()[..random.Next(Frames().Length + 1)], "cut"),
        };
    }

    private static byte[] Valid(MessageDescriptor descriptor, Random random, int depth)
    {
        using var stream = new MemoryStream();
        var output = new CodedOutputStream(stream);
        foreach (var field in descriptor.Fields.InFieldNumberOrder())
        {
            if (random.Next(100) < 15)
            {
                continue;
            }

            var count = field.IsRepeated ? random.Next(100) < 90 ? random.Next(0, 4) : random.Next(10, 14) : 1;
            for (var i = 0; i < count; i++)
            {
                WriteField(output, field, random, depth);
            }
        }

        output.Flush();
        return stream.ToArray();
    }

    private static void WriteField(CodedOutputStream output, FieldDescriptor field, Random random, int depth)
    {
        var number = field.FieldNumber;
        var value = Numbers[random.Next(Numbers.Length)];
        switch (field.FieldType)
        {
            case FieldType.String:
                output.WriteTag(number, WireFormat.WireType.LengthDelimited);
                output.WriteBytes(ByteString.CopyFrom(HostileInput.StringBytes(random)));
                break;
            case FieldType.Bytes:
                output.WriteTag(number, WireFormat.WireType.LengthDelimited);
                output.WriteBytes(ByteString.CopyFrom(HostileInput.RandomBytes(random, random.Next(0, 64))));
                break;
            case FieldType.Message when depth < 4:
                output.WriteTag(number, WireFormat.WireType.LengthDelimited);
                output.WriteBytes(ByteString.CopyFrom(Valid(field.MessageType, random, depth + 1)));
                break;
            case FieldType.Message:
                break;
            case FieldType.Bool:
            case FieldType.Enum:
            case FieldType.Int32:
            case FieldType.Int64:
            case FieldType.UInt32:
            case FieldType.UInt64:
                output.WriteTag(number, WireFormat.WireType.Varint);
                output.WriteInt64(value);
                break;
            case FieldType.SInt32:
            case FieldType.SInt64:
                output.WriteTag(number, WireFormat.WireType.Varint);
                output.WriteSInt64(value);
                break;
            case FieldType.Fixed32:
            case FieldType.SFixed32:
            case FieldType.Float:
                output.WriteTag(number, WireFormat.WireType.Fixed32);
                output.WriteFixed32((uint)value);
                break;
            case FieldType.Fixed64:
            case FieldType.SFixed64:
            case FieldType.Double:
                output.WriteTag(number, WireFormat.WireType.Fixed64);
                output.WriteFixed64((ulong)value);
                break;
            default:
                break;
        }
    }

    // Well-formed fields the message does not declare (any number, any wire type but groups).
    private static byte[] UnknownFields(Random random)
    {
        using var stream = new MemoryStream();
        var output = new CodedOutputStream(stream);
        for (var i = random.Next(1, 4); i > 0; i--)
        {
            var number = random.Next(20, 536_870_911);
            switch (random.Next(4))
            {
                case 0:
                    output.WriteTag(number, WireFormat.WireType.Varint);
                    output.WriteInt64(Numbers[random.Next(Numbers.Length)]);
                    break;
                case 1:
                    output.WriteTag(number, WireFormat.WireType.LengthDelimited);
                    output.WriteBytes(ByteString.CopyFrom(HostileInput.StringBytes(random)));
                    break;
                case 2:
                    output.WriteTag(number, WireFormat.WireType.Fixed32);
                    output.WriteFixed32((uint)random.Next());
                    break;
                default:
                    output.WriteTag(number, WireFormat.WireType.Fixed64);
                    output.WriteFixed64((ulong)random.NextInt64());
                    break;
            }
        }

        output.Flush();
        return stream.ToArray();
    }

    // Bytes that are (most likely) not protobuf: the edits a truncated, noisy or hand-made body shows, and the
    // classic bad shapes (truncated varint, wire type 6/7, tag 0, a length past the end, an 11-byte varint).
    private static byte[] Corrupt(byte[] message, Random random)
    {
        var bytes = message.ToList();
        switch (random.Next(8))
        {
            case 0 when bytes.Count > 0:
                bytes[random.Next(bytes.Count)] ^= (byte)(1 << random.Next(8));
                break;
            case 1 when bytes.Count > 0:
                bytes.RemoveRange(random.Next(bytes.Count), 1);
                break;
            case 2:
                bytes.InsertRange(random.Next(bytes.Count + 1), HostileInput.RandomBytes(random, random.Next(1, 8)));
                break;
            case 3 when bytes.Count > 1:
                var keep = random.Next(1, bytes.Count);
                bytes.RemoveRange(keep, bytes.Count - keep);
                break;
            case 4:
                bytes.AddRange(random.Next(4) switch { 0 => [0x08, 0xFF], 1 => [0x0F, 0x00], 2 => [0x0E, 0x00], _ => [0x00, 0x01] });
                break;
            case 5:
                bytes.AddRange([0x0A, 0x7F, 0x41]);
                break;
            case 6:
                bytes.AddRange([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]);
                break;
            default:
                bytes.AddRange([0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F]);
                break;
        }

        return [.. bytes];
    }
}
