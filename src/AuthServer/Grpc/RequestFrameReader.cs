using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using Grpc.Core;

namespace Recovery.AuthServer.Grpc;

/// <summary>
/// A request body reader that checks the gRPC framing (a 1-byte compressed flag and a 4-byte big-endian length
/// before each message) as the bytes pass, and fails the read with a status that carries an ErrorInfo:
/// a flag other than 0 (compressed: <c>COMPRESSION_UNSUPPORTED</c>; not 0 or 1: <c>MALFORMED_REQUEST</c>), a
/// length over the limit (<c>MESSAGE_TOO_LARGE</c>, checked from the header, before the message is buffered), a
/// body that ends inside a frame, and for a single-message method an empty body or a second frame
/// (<c>MALFORMED_REQUEST</c>). grpc-dotnet would answer these with INTERNAL or UNKNOWN (and an error log for a bad
/// flag or a length over 2 GiB), or RESOURCE_EXHAUSTED without details.
/// </summary>
/// <remarks>
/// Each byte is examined once: the reader remembers how far it has checked in the stream and where the
/// consumer's buffer starts, so a consumer that re-reads an unconsumed buffer (as grpc-dotnet does while a frame
/// is incomplete) costs nothing more. It never copies or holds data.
/// </remarks>
internal sealed class RequestFrameReader(PipeReader inner, bool singleMessage, int maxMessageSize) : PipeReader
{
    private const int HeaderSize = 5;

    private readonly byte[] header = new byte[HeaderSize];
    private ReadOnlySequence<byte> lastBuffer;
    private long bufferStart;   // stream offset of the first byte of the buffer the inner reader returns next
    private long checkedUpTo;   // stream offset up to which every byte has been checked
    private int headerFill;
    private long payloadLeft;
    private int frames;
    private RpcException? failure;

    public override async ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
    {
        if (failure is not null)
        {
            throw failure;
        }

        var result = await inner.ReadAsync(cancellationToken);
        Check(result);
        return result;
    }

    public override bool TryRead(out ReadResult result)
    {
        if (failure is not null)
        {
            throw failure;
        }

        if (!inner.TryRead(out result))
        {
            return false;
        }

        Check(result);
        return true;
    }

    public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
    {
        bufferStart += lastBuffer.Slice(lastBuffer.Start, consumed).Length;
        inner.AdvanceTo(consumed, examined);
    }

    public override void CancelPendingRead() => inner.CancelPendingRead();

    public override void Complete(Exception? exception = null) => inner.Complete(exception);

    public override ValueTask CompleteAsync(Exception? exception = null) => inner.CompleteAsync(exception);

    private void Check(ReadResult result)
    {
        lastBuffer = result.Buffer;
        var end = bufferStart + result.Buffer.Length;
        try
        {
            if (end > checkedUpTo)
            {
                foreach (var segment in result.Buffer.Slice(checkedUpTo - bufferStart))
                {
                    Scan(segment.Span);
                }

                checkedUpTo = end;
            }

            if (result.IsCompleted)
            {
                if (headerFill != 0 || payloadLeft != 0)
                {
                    throw MalformedRequest.Framing("the body ends inside a message.");
                }

                if (singleMessage && frames == 0)
                {
                    throw MalformedRequest.Framing("the body holds no message.");
                }
            }
        }
        catch (RpcException refused)
        {
            // Hand the buffer back untouched, and refuse every later read the same way.
            failure = refused;
            inner.AdvanceTo(result.Buffer.Start);
            throw;
        }
    }

    private void Scan(ReadOnlySpan<byte> span)
    {
        while (!span.IsEmpty)
        {
            if (payloadLeft > 0)
            {
                var skip = (int)Math.Min(payloadLeft, span.Length);
                payloadLeft -= skip;
                span = span[skip..];
                continue;
            }

            if (headerFill == 0 && singleMessage && frames == 1)
            {
                throw MalformedRequest.Framing("a single-message method received more than one message.");
            }

            header[headerFill++] = span[0];
            span = span[1..];
            if (headerFill < HeaderSize)
            {
                continue;
            }

            headerFill = 0;
            frames++;
            var length = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(1));
            switch (header[0])
            {
                case 0:
                    break;
                case 1:
                    throw MalformedRequest.Compressed();
                default:
                    throw MalformedRequest.Framing("the compressed flag is neither 0 nor 1.");
            }

            if (length > (uint)maxMessageSize)
            {
                throw MalformedRequest.TooLarge(maxMessageSize);
            }

            payloadLeft = length;
        }
    }
}
