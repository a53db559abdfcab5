using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using Google.Rpc;
using Grpc.Core;
using Recovery.AuthServer.Grpc;

namespace Recovery.AuthServer.UnitTests.Grpc;

/// <summary>
/// The frame checks over a real pipe whose bytes arrive in pieces (as HTTP/2 DATA frames do), read the way
/// grpc-dotnet reads: a buffer without a whole frame is handed back unconsumed but examined, and read again.
/// </summary>
public sealed class RequestFrameReaderTests
{
    private const int Limit = 16 * 1024;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(4096)]
    public async Task ReadAsync_ValidFramesInPiecesOfAnySize_PassesEveryMessageThroughUnchanged(int piece)
    {
        byte[][] messages = [[1, 2, 3], [], Enumerable.Range(0, 5000).Select(i => (byte)i).ToArray(), [9]];

        var read = await ReadAllAsync([.. messages.SelectMany(m => Frame(m))], piece, singleMessage: false);

        Assert.Equal(messages, read);
    }

    [Fact]
    public async Task ReadAsync_OneMessageForAUnaryMethodByteByByte_Passes()
    {
        var read = await ReadAllAsync(Frame([8, 1]), 1, singleMessage: true);

        Assert.Equal([[8, 1]], read);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public async Task ReadAsync_HeaderDeclaringMoreThanTheLimit_MessageTooLargeBeforeThePayloadArrives(int piece)
    {
        var header = new byte[5];
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(1), Limit + 1);

        // Only the header is ever written, and the pipe is left open: the refusal cannot wait for the payload.
        var ex = await Assert.ThrowsAsync<RpcException>(() => ReadAllAsync(header, piece, singleMessage: false, complete: false));

        AssertRefused(ex, StatusCode.ResourceExhausted, "MESSAGE_TOO_LARGE");
    }

    [Fact]
    public async Task ReadAsync_SecondMessageToAUnaryMethod_MalformedRequest()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => ReadAllAsync([.. Frame([1]), .. Frame([2])], 2, singleMessage: true));

        AssertRefused(ex, StatusCode.InvalidArgument, "MALFORMED_REQUEST");
    }

    [Theory]
    [InlineData(new byte[] { })]
    [InlineData(new byte[] { 0, 0, 0 })]
    [InlineData(new byte[] { 0, 0, 0, 0, 9, 1, 2 })]
    public async Task ReadAsync_BodyEmptyOrEndingInsideAFrame_MalformedRequest(byte[] body)
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => ReadAllAsync(body, 1, singleMessage: true));

        AssertRefused(ex, StatusCode.InvalidArgument, "MALFORMED_REQUEST");
    }

    [Theory]
    [InlineData(1, StatusCode.Unimplemented, "COMPRESSION_UNSUPPORTED")]
    [InlineData(2, StatusCode.InvalidArgument, "MALFORMED_REQUEST")]
    [InlineData(255, StatusCode.InvalidArgument, "MALFORMED_REQUEST")]
    public async Task ReadAsync_FlagOtherThanZero_Refused(byte flag, StatusCode status, string reason)
    {
        byte[] body = [.. Frame([1, 2]), .. Frame([3])];
        body[7] = flag;   // the second frame's flag, after a valid first frame

        var ex = await Assert.ThrowsAsync<RpcException>(() => ReadAllAsync(body, 1, singleMessage: false));

        AssertRefused(ex, status, reason);
    }

    private static void AssertRefused(RpcException ex, StatusCode status, string reason)
    {
        Assert.Equal(status, ex.StatusCode);
        Assert.Equal(reason, ex.GetRpcStatus()!.GetDetail<ErrorInfo>()!.Reason);
    }

    private static byte[] Frame(byte[] payload)
    {
        var frame = new byte[5 + payload.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)payload.Length);
        payload.CopyTo(frame, 5);
        return frame;
    }

    // Writes the body in pieces while reading it through the frame reader as grpc-dotnet does; returns the payloads.
    private static async Task<List<byte[]>> ReadAllAsync(byte[] body, int piece, bool singleMessage, bool complete = true)
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0));
        var writing = Task.Run(async () =>
        {
            for (var at = 0; at < body.Length; at += piece)
            {
                await pipe.Writer.WriteAsync(body.AsMemory(at, Math.Min(piece, body.Length - at)));
            }

            if (complete)
            {
                await pipe.Writer.CompleteAsync();
            }
        });

        var reader = new RequestFrameReader(pipe.Reader, singleMessage, Limit);
        var messages = new List<byte[]>();
        while (true)
        {
            var result = await reader.ReadAsync().AsTask().WaitAsync(Timeout);
            var buffer = result.Buffer;
            while (buffer.Length >= 5)
            {
                var length = (int)BinaryPrimitives.ReadUInt32BigEndian(buffer.Slice(1, 4).ToArray());
                if (buffer.Length < 5 + length)
                {
                    break;
                }

                messages.Add(buffer.Slice(5, length).ToArray());
                buffer = buffer.Slice(5 + length);
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
            {
                await writing.WaitAsync(Timeout);
                return messages;
            }
        }
    }
}
