using System.Text;
using Google.Protobuf;
using Grpc.Core;

namespace Recovery.AuthServer.Grpc;

/// <summary>
/// Wraps a method's request marshaller so that bytes which are not its message become
/// <c>INVALID_ARGUMENT</c> / <c>MALFORMED_REQUEST</c>. Without it protobuf's parser throws inside grpc-dotnet's
/// read of the request, before any interceptor, and the caller gets <c>UNKNOWN</c> while the log gets an error
/// with a stack trace per hostile request.
/// </summary>
internal static class GuardedMarshaller
{
    public static Method<TRequest, TResponse> Guard<TRequest, TResponse>(Method<TRequest, TResponse> method)
        where TRequest : class
        where TResponse : class =>
        new(method.Type, method.ServiceName, method.Name, Guard(method.RequestMarshaller), method.ResponseMarshaller);

    public static Marshaller<T> Guard<T>(Marshaller<T> inner)
        where T : class =>
        new(inner.ContextualSerializer, context =>
        {
            try
            {
                return inner.ContextualDeserializer(context);
            }

            // Only what the parser throws on bad input: truncated or oversized lengths, bad tags and wire types,
            // nesting too deep (InvalidProtocolBufferException), a string that is not UTF-8 (DecoderFallbackException,
            // protobuf decodes strictly). Anything else is a bug and stays visible as one.
            catch (Exception ex) when (ex is InvalidProtocolBufferException or DecoderFallbackException)
            {
                throw MalformedRequest.Unparsable();
            }
        });
}
