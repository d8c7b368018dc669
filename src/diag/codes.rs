//! The one table of diagnostic codes. A code names a kind of problem, not a message: the
//! wording may change, the code does not, so scripts and snapshot tests can rely on it.
//!
//! Codes are `HF` and four digits, the first digit the stage that finds the problem:
//! 0 reading the input (profile syntax and schema, arguments, files), 1 the profile checks,
//! 2 rendering (node capacity), 3 Kubernetes validation, 4 setup, 5 output folders and golden
//! checks, 9 bugs in hfgen itself. `docs/error-codes.md` is generated from this table
//! (`HFGEN_BLESS=1 cargo test --test error_codes`); a code is never reused for another kind.

/// What a code means for the command that reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// Bad input: the command stops (exit 2) and writes nothing.
    Input,
    /// A finding of Kubernetes validation: `hfgen validate` reports it (exit 1); in hfgen's own
    /// render it stops the command like bad input (exit 2).
    Finding,
    /// Reported, and the command goes on.
    Warning,
    /// A bug in hfgen (exit 70).
    Internal,
}

macro_rules! codes {
    ($($name:ident = $id:literal, $class:ident, $meaning:literal;)*) => {
        /// A diagnostic's stable code; see the module documentation.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Code {
            $($name,)*
        }

        impl Code {
            /// Every code, in the table's order.
            pub const ALL: &'static [Code] = &[$(Code::$name,)*];

            /// `HF` and four digits, as shown in a diagnostic's header.
            pub fn id(self) -> &'static str {
                match self {
                    $(Code::$name => $id,)*
                }
            }

            /// The code's name in Rust (`UnknownKey`).
            pub fn name(self) -> &'static str {
                match self {
                    $(Code::$name => stringify!($name),)*
                }
            }

            /// One line on what the code means.
            pub fn meaning(self) -> &'static str {
                match self {
                    $(Code::$name => $meaning,)*
                }
            }

            pub fn class(self) -> Class {
                match self {
                    $(Code::$name => Class::$class,)*
                }
            }
        }
    };
}

codes! {
    // Reading the input: profile syntax and schema, arguments, files.
    UnknownProfile = "HF0001", Input, "no built-in profile has that name, and it is not the path of a profile file";
    Unreadable = "HF0002", Input, "a file or folder cannot be read: missing, not a regular file, too large, binary or not UTF-8";
    TomlSyntax = "HF0003", Input, "the profile is not valid TOML, nests too deep, or holds an integer out of range";
    SetSyntax = "HF0004", Input, "a `--set` or key argument is not a dotted key (with `=` and a TOML value for `--set`)";
    UnknownKey = "HF0005", Input, "a key the profile schema does not have";
    MissingKey = "HF0006", Input, "a key the profile schema requires is missing";
    ProfileSchema = "HF0007", Input, "a profile value has the wrong type, is not one of its choices, or is outside its range";
    NulCharacter = "HF0008", Input, "a profile string holds a NUL character";
    Extends = "HF0009", Input, "`extends` is not a string, forms a cycle, or goes too deep";
    Unset = "HF0010", Input, "an `unset` entry is malformed, names a key the extended profile does not set, or the profile has no `extends`";
    SetNotAllowed = "HF0011", Input, "`--set` names a table or `extends`, which it cannot change";
    NotBuiltIn = "HF0012", Input, "`profiles show` names a file; it prints built-in profiles only";
    Usage = "HF0013", Input, "the command line does not parse: an unknown subcommand or option, a missing or invalid argument";

    // The profile checks: values the schema admits that do not work together or in a cluster.
    InvalidName = "HF1001", Input, "a name Kubernetes, S3, RabbitMQ or HyperFlow refuses (namespace, object, label, pool, queue, variable)";
    InvalidImage = "HF1002", Input, "an image reference that is not one";
    InvalidQuantity = "HF1003", Input, "a CPU or memory amount that is not a Kubernetes quantity, is zero, too large, or lacks its unit";
    InvalidFormat = "HF1004", Input, "an address, CIDR, URL, checksum or cloud identifier not in the form its key takes";
    OutOfRange = "HF1005", Input, "a number outside what its field takes (int32, at least 1, a minimum above its maximum)";
    RequestAboveLimit = "HF1006", Input, "a resource request above its limit";
    MissingSetting = "HF1007", Input, "a setting needs another key that is not set";
    UnusedSetting = "HF1008", Input, "a key the rest of the profile does not use, so it would be ignored";
    PlatformMismatch = "HF1009", Input, "a setting that does not work on the profile's platform";
    Placeholder = "HF1010", Input, "a placeholder value from hfgen's examples or built-in profiles";
    VersionTooOld = "HF1011", Input, "a feature the engine or job executor version in the images does not have";
    RunWouldFail = "HF1012", Input, "a setting with which the workflow run would hang, end at once, or lose tasks";
    NotUserSetting = "HF1013", Input, "a key hfgen sets itself or no longer takes";
    Duplicate = "HF1014", Input, "two worker pools with the same task or the same name";
    StorageTooSmall = "HF1015", Input, "storage.size is below the smallest volume the storage class makes";
    UnpinnedImage = "HF1016", Warning, "an image without a tag, or tagged `latest`";
    StorageSizeUnset = "HF1017", Warning, "storage.size is unset, so the claim asks for the storage class's smallest volume";
    SlowSetting = "HF1018", Warning, "a setting that makes the run slower for no gain";
    ClusterAdmin = "HF1019", Warning, "rbac.mode = \"cluster-admin\" makes every ServiceAccount of the cluster cluster-admin";

    // Rendering: whether the pods fit the node pools.
    UnknownMachineType = "HF2001", Input, "a machine type not in hfgen's table of node capacities, without `allocatable`";
    PodTooLarge = "HF2002", Input, "a pod requests more than one node of its pool offers to pods";
    PoolTooSmall = "HF2003", Input, "a node pool cannot hold its pods at their most";
    PoolNearlyFull = "HF2004", Warning, "a node pool is nearly full at its most";

    // Kubernetes validation (`hfgen validate`, and hfgen's own render).
    NotYaml = "HF3001", Finding, "an input is not YAML, or nests deeper than the reader allows";
    ApiSchema = "HF3002", Finding, "a document does not match its Kubernetes API schema (type, unknown or missing field, not a mapping)";
    ApiRule = "HF3003", Finding, "a document breaks a rule the API server checks beyond its schema (names, labels, selectors, enums, ranges, requests ≤ limits)";
    UnknownKind = "HF3004", Finding, "no schema for the document's apiVersion and kind in that Kubernetes version";
    BrokenReference = "HF3005", Finding, "an object refers to one the input does not have, or has in another namespace";
    WorkerPools = "HF3006", Finding, "the engine's queues, the worker pools and their scalers do not match";
    JobTemplate = "HF3007", Finding, "the worker Job template in the ConfigMap is not a Job";
    BadCrd = "HF3008", Input, "a `--crd` file is not a usable CustomResourceDefinition";
    EmptyInput = "HF3009", Input, "the input has no YAML documents, so nothing was validated";
    UnknownKubernetesVersion = "HF3010", Input, "`--kubernetes-version` is not a version from 1.25 to 1.37";

    // Setup.
    NothingToSetUp = "HF4001", Input, "the profile runs on an existing cluster and needs nothing installed";

    // Output folders and golden checks.
    WriteFailed = "HF5001", Input, "an output cannot be written (stdout closed, a folder that cannot be made or replaced)";
    ForeignFolder = "HF5002", Input, "hfgen refuses to replace a folder it did not write, a link, or a file that is not a folder";
    GoldenMissing = "HF5003", Input, "the golden folder does not exist";
    GoldenName = "HF5004", Input, "two profiles would share a golden folder, or a profile's name is not a folder name";
    UpdateRefused = "HF5005", Input, "`check --update` changed no folder because one was refused";
    FileKeptAside = "HF5006", Warning, "a file written into the output folder during the swap was kept aside";

    // Bugs in hfgen.
    TemplateFailed = "HF9001", Internal, "one of hfgen's templates failed to render";
    RenderedNotYaml = "HF9002", Internal, "one of hfgen's templates made a document that is not a YAML mapping";
    BundledSchema = "HF9003", Internal, "the Kubernetes schemas compiled into hfgen cannot be loaded";
    Panic = "HF9004", Internal, "hfgen panicked";
}
