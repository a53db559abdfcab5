using System.Collections.Immutable;
using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace Recovery.AuthServer.UnitTests.Architecture;

/// <summary>
/// Which of the server's namespaces uses which, read from the compiled assembly's metadata rather than from
/// <c>using</c> lines: a fully qualified name, a <c>var</c>, an extension method or a type only named inside a
/// method body is a use just the same. A type's uses are everything its metadata points at: base type, interfaces,
/// generic constraints, field, method, property and event signatures, local variables, catch clauses, custom
/// attributes (their constructors and <c>typeof</c> arguments) and every token in its method bodies (types, methods,
/// fields and member references resolved to the type that declares them, generic arguments included).
/// </summary>
/// <remarks>
/// A node is a namespace under the root namespace (<see cref="ServerRoot"/> for the server) with the root's prefix removed (<c>Notifications.Sms</c>);
/// the top-level-statements <c>Program</c> is the node <see cref="ProgramNode"/>. Nested and compiler-generated types
/// (lambdas' closures, state machines) count for the namespace of their outermost declaring type. Types outside the
/// root (those the compiler or a source generator emits, e.g. generated regexes) are no node and are ignored.
/// What the compiler turns into a literal leaves no trace in the metadata and is not seen: the value of another
/// namespace's <c>const</c>, a <c>nameof</c>, a <c>cref</c> in a comment.
/// </remarks>
internal sealed class NamespaceGraph
{
    /// <summary>The server's root namespace.</summary>
    public const string ServerRoot = "Recovery.AuthServer";

    public const string ProgramNode = "Program";

    private static readonly Dictionary<short, OperandType> OperandTypes = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value, o => o.OperandType);

    private NamespaceGraph(
        IReadOnlyDictionary<string, IReadOnlySet<string>> uses,
        IReadOnlyDictionary<string, IReadOnlySet<string>> external,
        IReadOnlyDictionary<(string From, string To), string> evidence)
    {
        Uses = uses;
        External = external;
        this.evidence = evidence;
    }

    private readonly IReadOnlyDictionary<(string From, string To), string> evidence;

    /// <summary>Node → the other nodes its types use.</summary>
    public IReadOnlyDictionary<string, IReadOnlySet<string>> Uses { get; }

    /// <summary>Node → the namespaces of other assemblies its types use (<c>Grpc.Core</c>, <c>StackExchange.Redis</c>, …).</summary>
    public IReadOnlyDictionary<string, IReadOnlySet<string>> External { get; }

    public IEnumerable<string> Nodes => Uses.Keys;

    /// <summary>One use behind an edge, to start looking from: "<c>Grpc.RecoveryGrpcService uses Recovery.RecoveryFlow</c>".</summary>
    public string Example(string from, string to) => evidence.TryGetValue((from, to), out var example) ? example : "(no use)";

    public static NamespaceGraph Read(string assemblyPath, string root = ServerRoot)
    {
        using var stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        var reader = pe.GetMetadataReader();
        var uses = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        var external = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        var evidence = new Dictionary<(string, string), string>();
        foreach (var handle in reader.TypeDefinitions)
        {
            if (NodeOf(reader, handle, root) is not { } node)
            {
                continue;
            }

            var collector = new Collector(reader);
            collector.AddType(handle, pe);
            var used = Set(uses, node);
            Set(external, node).UnionWith(collector.ExternalNamespaces);
            foreach (var definition in collector.Definitions)
            {
                if (NodeOf(reader, definition, root) is { } target && target != node && used.Add(target))
                {
                    evidence[(node, target)] = $"{NameOf(reader, handle, root)} uses {NameOf(reader, definition, root)}";
                }
            }
        }

        return new NamespaceGraph(
            uses.ToDictionary(p => p.Key, p => (IReadOnlySet<string>)p.Value, StringComparer.Ordinal),
            external.ToDictionary(p => p.Key, p => (IReadOnlySet<string>)p.Value, StringComparer.Ordinal),
            evidence);
    }

    private static HashSet<string> Set(Dictionary<string, HashSet<string>> map, string key)
    {
        if (!map.TryGetValue(key, out var set))
        {
            map[key] = set = new HashSet<string>(StringComparer.Ordinal);
        }

        return set;
    }

    /// <summary>A type's name below the root, nested types joined with '+': <c>Grpc.ErrorMappingInterceptor+&lt;&gt;c</c>.</summary>
    private static string NameOf(MetadataReader reader, TypeDefinitionHandle handle, string root)
    {
        var type = reader.GetTypeDefinition(handle);
        var name = reader.GetString(type.Name);
        while (type.IsNested)
        {
            type = reader.GetTypeDefinition(type.GetDeclaringType());
            name = reader.GetString(type.Name) + "+" + name;
        }

        var ns = reader.GetString(type.Namespace);
        return ns.StartsWith(root + ".", StringComparison.Ordinal) ? ns[(root.Length + 1)..] + "." + name
            : ns.Length == 0 ? name : ns + "." + name;
    }

    /// <summary>The node a type of this assembly counts for, or null for a type outside the root namespace.</summary>
    private static string? NodeOf(MetadataReader reader, TypeDefinitionHandle handle, string root)
    {
        var type = reader.GetTypeDefinition(handle);
        while (type.IsNested)
        {
            type = reader.GetTypeDefinition(type.GetDeclaringType());
        }

        var ns = reader.GetString(type.Namespace);
        if (ns.Length == 0)
        {
            return reader.GetString(type.Name) == "Program" ? ProgramNode : null;
        }

        if (ns == root)
        {
            return ProgramNode;
        }

        return ns.StartsWith(root + ".", StringComparison.Ordinal) ? ns[(root.Length + 1)..] : null;
    }

    /// <summary>Everything one type definition points at: this assembly's types, and other assemblies' namespaces.</summary>
    private sealed class Collector(MetadataReader reader) : ISignatureTypeProvider<string?, object?>, ICustomAttributeTypeProvider<string?>
    {
        public HashSet<TypeDefinitionHandle> Definitions { get; } = [];

        public HashSet<string> ExternalNamespaces { get; } = new(StringComparer.Ordinal);

        /// <summary>Other assemblies' types met so far → the assembly that defines them (to size their enums).</summary>
        private readonly Dictionary<string, AssemblyName> assemblies = new(StringComparer.Ordinal);

        public void AddType(TypeDefinitionHandle handle, PEReader pe)
        {
            var type = reader.GetTypeDefinition(handle);
            AddEntity(type.BaseType);
            foreach (var i in type.GetInterfaceImplementations())
            {
                var implementation = reader.GetInterfaceImplementation(i);
                AddEntity(implementation.Interface);
                AddAttributes(implementation.GetCustomAttributes());
            }

            AddAttributes(type.GetCustomAttributes());
            AddGenericParameters(type.GetGenericParameters());
            foreach (var f in type.GetFields())
            {
                var field = reader.GetFieldDefinition(f);
                field.DecodeSignature(this, null);
                AddAttributes(field.GetCustomAttributes());
            }

            foreach (var p in type.GetProperties())
            {
                var property = reader.GetPropertyDefinition(p);
                property.DecodeSignature(this, null);
                AddAttributes(property.GetCustomAttributes());
            }

            foreach (var e in type.GetEvents())
            {
                var @event = reader.GetEventDefinition(e);
                AddEntity(@event.Type);
                AddAttributes(@event.GetCustomAttributes());
            }

            foreach (var m in type.GetMethods())
            {
                AddMethod(reader.GetMethodDefinition(m), pe);
            }
        }

        private void AddMethod(MethodDefinition method, PEReader pe)
        {
            method.DecodeSignature(this, null);
            AddAttributes(method.GetCustomAttributes());
            AddGenericParameters(method.GetGenericParameters());
            foreach (var p in method.GetParameters())
            {
                AddAttributes(reader.GetParameter(p).GetCustomAttributes());
            }

            if (method.RelativeVirtualAddress == 0)
            {
                return;
            }

            var body = pe.GetMethodBody(method.RelativeVirtualAddress);
            if (!body.LocalSignature.IsNil)
            {
                reader.GetStandaloneSignature(body.LocalSignature).DecodeLocalSignature(this, null);
            }

            foreach (var region in body.ExceptionRegions)
            {
                AddEntity(region.CatchType);
            }

            AddInstructions(body.GetILReader());
        }

        /// <summary>Walks the IL, resolving every metadata token an instruction carries.</summary>
        private void AddInstructions(BlobReader il)
        {
            while (il.RemainingBytes > 0)
            {
                short value = il.ReadByte();
                if (value == 0xFE)
                {
                    value = unchecked((short)(0xFE00 | il.ReadByte()));
                }

                switch (OperandTypes[value])
                {
                    case OperandType.InlineNone:
                        break;
                    case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar:
                        il.Offset += 1;
                        break;
                    case OperandType.InlineVar:
                        il.Offset += 2;
                        break;
                    case OperandType.InlineBrTarget or OperandType.InlineI or OperandType.ShortInlineR or OperandType.InlineString:
                        il.Offset += 4;
                        break;
                    case OperandType.InlineI8 or OperandType.InlineR:
                        il.Offset += 8;
                        break;
                    case OperandType.InlineSwitch:
                        var targets = il.ReadInt32();
                        il.Offset += 4 * targets;
                        break;
                    case OperandType.InlineField or OperandType.InlineMethod or OperandType.InlineSig or OperandType.InlineTok or OperandType.InlineType:
                        AddEntity(MetadataTokens.EntityHandle(il.ReadInt32()));
                        break;
                    default:
                        throw new InvalidOperationException($"IL operand type {OperandTypes[value]} is not handled.");
                }
            }
        }

        private void AddEntity(EntityHandle handle)
        {
            if (handle.IsNil)
            {
                return;
            }

            switch (handle.Kind)
            {
                case HandleKind.TypeDefinition:
                    Definitions.Add((TypeDefinitionHandle)handle);
                    break;
                case HandleKind.TypeReference:
                    GetTypeFromReference(reader, (TypeReferenceHandle)handle, 0);
                    break;
                case HandleKind.TypeSpecification:
                    reader.GetTypeSpecification((TypeSpecificationHandle)handle).DecodeSignature(this, null);
                    break;
                case HandleKind.MethodDefinition:
                    Definitions.Add(reader.GetMethodDefinition((MethodDefinitionHandle)handle).GetDeclaringType());
                    break;
                case HandleKind.FieldDefinition:
                    Definitions.Add(reader.GetFieldDefinition((FieldDefinitionHandle)handle).GetDeclaringType());
                    break;
                case HandleKind.MemberReference:
                    var member = reader.GetMemberReference((MemberReferenceHandle)handle);
                    AddEntity(member.Parent);
                    if (member.GetKind() == MemberReferenceKind.Method)
                    {
                        member.DecodeMethodSignature(this, null);
                    }
                    else
                    {
                        member.DecodeFieldSignature(this, null);
                    }

                    break;
                case HandleKind.MethodSpecification:
                    var specification = reader.GetMethodSpecification((MethodSpecificationHandle)handle);
                    AddEntity(specification.Method);
                    specification.DecodeSignature(this, null);
                    break;
                case HandleKind.StandaloneSignature:
                    var signature = reader.GetStandaloneSignature((StandaloneSignatureHandle)handle);
                    if (signature.GetKind() == StandaloneSignatureKind.Method)
                    {
                        signature.DecodeMethodSignature(this, null);
                    }
                    else
                    {
                        signature.DecodeLocalSignature(this, null);
                    }

                    break;
                case HandleKind.ModuleReference or HandleKind.ModuleDefinition:
                    break;
                default:
                    throw new InvalidOperationException($"Metadata handle kind {handle.Kind} is not handled.");
            }
        }

        private void AddGenericParameters(GenericParameterHandleCollection parameters)
        {
            foreach (var p in parameters)
            {
                var parameter = reader.GetGenericParameter(p);
                AddAttributes(parameter.GetCustomAttributes());
                foreach (var c in parameter.GetConstraints())
                {
                    AddEntity(reader.GetGenericParameterConstraint(c).Type);
                }
            }
        }

        private void AddAttributes(CustomAttributeHandleCollection attributes)
        {
            foreach (var a in attributes)
            {
                var attribute = reader.GetCustomAttribute(a);
                AddEntity(attribute.Constructor);

                // Decoding the value finds typeof(...) arguments, which the blob carries as type names.
                attribute.DecodeValue(this);
            }
        }

        /// <remarks>Each decoded type is its full name (null for arrays, pointers, primitives): enough to tell
        /// <c>System.Type</c> and an enum's underlying type when an attribute's value is decoded.</remarks>
        public string? GetTypeFromDefinition(MetadataReader metadata, TypeDefinitionHandle handle, byte rawTypeKind)
        {
            Definitions.Add(handle);
            var type = metadata.GetTypeDefinition(handle);
            return metadata.GetString(type.Namespace) + "." + metadata.GetString(type.Name);
        }

        public string? GetTypeFromReference(MetadataReader metadata, TypeReferenceHandle handle, byte rawTypeKind)
        {
            var type = metadata.GetTypeReference(handle);
            var name = metadata.GetString(type.Name);
            while (type.ResolutionScope.Kind == HandleKind.TypeReference)
            {
                type = metadata.GetTypeReference((TypeReferenceHandle)type.ResolutionScope);
                name = metadata.GetString(type.Name) + "+" + name;
            }

            var ns = metadata.GetString(type.Namespace);
            ExternalNamespaces.Add(ns);
            if (type.ResolutionScope.Kind == HandleKind.AssemblyReference)
            {
                assemblies.TryAdd(ns + "." + name, metadata.GetAssemblyReference((AssemblyReferenceHandle)type.ResolutionScope).GetAssemblyName());
            }

            return ns + "." + name;
        }

        public string? GetTypeFromSpecification(MetadataReader metadata, object? genericContext, TypeSpecificationHandle handle, byte rawTypeKind) =>
            metadata.GetTypeSpecification(handle).DecodeSignature(this, genericContext);

        /// <summary>A <c>typeof</c> argument of an attribute: a type of this assembly is found by its full name.</summary>
        public string? GetTypeFromSerializedName(string name)
        {
            var fullName = name.Split(',')[0].Split('[')[0].Split('+')[0];
            var match = FindDefinition(fullName);
            if (match is { } found)
            {
                Definitions.Add(found);
            }
            else
            {
                var dot = fullName.LastIndexOf('.');
                ExternalNamespaces.Add(dot < 0 ? string.Empty : fullName[..dot]);
                if (name.IndexOf(',', StringComparison.Ordinal) is > 0 and var comma && !name.Contains('['))
                {
                    assemblies.TryAdd(name[..comma].Trim(), new AssemblyName(name[(comma + 1)..].Trim()));
                }
            }

            return name.Split(',')[0].Trim();
        }

        /// <summary>
        /// An enum argument of an attribute: its underlying type decides how many bytes the blob holds. This assembly's
        /// enums are read from their <c>value__</c> field; other assemblies' enums from the loaded runtime type.
        /// </summary>
        public PrimitiveTypeCode GetUnderlyingEnumType(string? type)
        {
            ArgumentNullException.ThrowIfNull(type);
            if (FindDefinition(type) is { } own)
            {
                // An enum's one instance field (value__) is of its underlying type; the signature's type code is the
                // primitive type code.
                var field = reader.GetTypeDefinition(own).GetFields().Select(reader.GetFieldDefinition)
                    .First(f => (f.Attributes & FieldAttributes.Static) == 0);
                var blob = reader.GetBlobReader(field.Signature);
                blob.ReadSignatureHeader();
                return (PrimitiveTypeCode)blob.ReadCompressedInteger();
            }

            var runtime = (assemblies.TryGetValue(type, out var assembly) ? Assembly.Load(assembly).GetType(type) : Type.GetType(type))
                ?? throw new InvalidOperationException($"The enum {type} of an attribute's argument is not loaded; its size is unknown.");
            return Type.GetTypeCode(Enum.GetUnderlyingType(runtime)) switch
            {
                TypeCode.Byte => PrimitiveTypeCode.Byte,
                TypeCode.SByte => PrimitiveTypeCode.SByte,
                TypeCode.Int16 => PrimitiveTypeCode.Int16,
                TypeCode.UInt16 => PrimitiveTypeCode.UInt16,
                TypeCode.UInt32 => PrimitiveTypeCode.UInt32,
                TypeCode.Int64 => PrimitiveTypeCode.Int64,
                TypeCode.UInt64 => PrimitiveTypeCode.UInt64,
                _ => PrimitiveTypeCode.Int32,
            };
        }

        private TypeDefinitionHandle? FindDefinition(string fullName)
        {
            foreach (var h in reader.TypeDefinitions)
            {
                var t = reader.GetTypeDefinition(h);
                if (!t.IsNested && reader.GetString(t.Namespace) + "." + reader.GetString(t.Name) == fullName)
                {
                    return h;
                }
            }

            return null;
        }

        public bool IsSystemType(string? type) => type == "System.Type";

        public string? GetSystemType() => "System.Type";

        public string? GetSZArrayType(string? elementType) => null;

        public string? GetArrayType(string? elementType, ArrayShape shape) => null;

        public string? GetByReferenceType(string? elementType) => null;

        public string? GetPointerType(string? elementType) => null;

        public string? GetPinnedType(string? elementType) => null;

        public string? GetGenericInstantiation(string? genericType, ImmutableArray<string?> typeArguments) => genericType;

        public string? GetGenericMethodParameter(object? genericContext, int index) => null;

        public string? GetGenericTypeParameter(object? genericContext, int index) => null;

        public string? GetModifiedType(string? modifier, string? unmodifiedType, bool isRequired) => unmodifiedType;

        public string? GetFunctionPointerType(MethodSignature<string?> signature) => null;

        public string? GetPrimitiveType(PrimitiveTypeCode typeCode) => null;
    }
}
