using Microsoft.Extensions.Options;

namespace Recovery.AuthServer.Passwords;

/// <summary>
/// The data annotations of <see cref="Argon2Options"/> and of every object it holds, checked by code the options source
/// generator writes at build time (no reflection at start-up); registered in Hosting and run before the host starts.
/// </summary>
[OptionsValidator]
public sealed partial class ValidateArgon2Options : IValidateOptions<Argon2Options>;
