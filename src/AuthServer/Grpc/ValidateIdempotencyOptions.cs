using Microsoft.Extensions.Options;

namespace Recovery.AuthServer.Grpc;

/// <summary>
/// The data annotations of <see cref="IdempotencyOptions"/> and of every object it holds, checked by code the options source
/// generator writes at build time (no reflection at start-up); registered in Hosting and run before the host starts.
/// </summary>
[OptionsValidator]
public sealed partial class ValidateIdempotencyOptions : IValidateOptions<IdempotencyOptions>;
