using Grpc.Core;
using Recovery.AuthServer.Common;

namespace Recovery.AuthServer.Grpc;

/// <summary>
/// The refusals of request bytes that never became a message: bodies that are not gRPC frames, frames that
/// are not the method's protobuf message (or hold a string that is not UTF-8), messages over the size limit
/// and compressed messages. They are raised while grpc-dotnet reads the request, before any interceptor
/// runs, and carry an ErrorInfo like every other refusal. The texts never echo the bytes.
/// </summary>
internal static class MalformedRequest
{
    /// <summary>The frame's payload is not the method's request message.</summary>
    public static RpcException Unparsable() =>
        RpcStatusMapper.Simple(StatusCode.InvalidArgument, ErrorReasons.MalformedRequest,
            "The request message is not valid protobuf for this method (or a string field is not UTF-8).");

    /// <summary>The body is not a sequence of well-formed gRPC frames (see <paramref name="what"/>).</summary>
    public static RpcException Framing(string what) =>
        RpcStatusMapper.Simple(StatusCode.InvalidArgument, ErrorReasons.MalformedRequest, "The request body is not valid gRPC framing: " + what);

    public static RpcException TooLarge(int limit) =>
        RpcStatusMapper.Simple(StatusCode.ResourceExhausted, ErrorReasons.MessageTooLarge,
            $"The request message is larger than {limit} bytes.");

    // The gRPC compression spec: a message compressed in a way the server does not support MUST fail with UNIMPLEMENTED.
    public static RpcException Compressed() =>
        RpcStatusMapper.Simple(StatusCode.Unimplemented, ErrorReasons.CompressionUnsupported,
            "Compressed request messages are not accepted; send them uncompressed (grpc-encoding identity).");
}
