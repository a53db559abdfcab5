using System.IO.Pipelines;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Recovery.AuthServer.Grpc;

/// <summary>
/// An endpoint convention for every gRPC method: its request body is read through a
/// <see cref="RequestFrameReader"/>, so malformed framing and oversized messages are refused with details
/// from inside grpc-dotnet's own read (which turns an <see cref="RpcException"/> into the call's status and
/// trailers; for a streaming method the exception reaches the handler and the error-mapping interceptor).
/// </summary>
internal static class RequestFrameGuard
{
    public static TBuilder WithRequestFrameGuard<TBuilder>(this TBuilder builder, int maxMessageSize)
        where TBuilder : IEndpointConventionBuilder
    {
        builder.Add(endpoint =>
        {
            if (endpoint.RequestDelegate is not { } next
                || endpoint.Metadata.OfType<GrpcMethodMetadata>().FirstOrDefault() is not { } grpc)
            {
                return;
            }

            var singleMessage = grpc.Method.Type is MethodType.Unary or MethodType.ServerStreaming;
            endpoint.RequestDelegate = context =>
            {
                var reader = new RequestFrameReader(context.Request.BodyReader, singleMessage, maxMessageSize);
                context.Features.Set<IRequestBodyPipeFeature>(new FrameCheckedBody(reader));
                return next(context);
            };
        });
        return builder;
    }

    private sealed class FrameCheckedBody(PipeReader reader) : IRequestBodyPipeFeature
    {
        public PipeReader Reader => reader;
    }
}
