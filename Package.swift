// swift-tools-version:6.0
import PackageDescription

/// The package's own folder, for linker flags that need a full path.
let root = String(#filePath.dropLast("Package.swift".count))

// The layers, bottom up: system libraries (Lua, SQLite, libpq) → the C Lua shim and
// the C contract → the Swift engine → the exported ABI and the CLI.
let package = Package(
    name: "ihub",
    products: [
        // libihub.so: the C interface of include/ihub.h.
        .library(name: "ihub", type: .dynamic, targets: ["IHub"]),
        // The command-line tool and REPL (installed as `ihub`).
        .executable(name: "ihub-cli", targets: ["IHubCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        .systemLibrary(name: "CLua", pkgConfig: "lua5.4", providers: [.apt(["liblua5.4-dev"])]),
        .systemLibrary(name: "CSQLite", providers: [.apt(["libsqlite3-dev"])]),
        // libpq: the PostgreSQL backend of the store (Store/PostgresBackend.swift).
        .systemLibrary(name: "CPostgres", providers: [.apt(["libpq-dev"])]),
        // libcsv: the CSV parser of imports (Exchange/).
        .systemLibrary(name: "CCSV", providers: [.apt(["libcsv-dev"])]),
        // libedit: the REPL's line editing, history and completion (ihub-cli/ReplLineEditor.swift).
        .systemLibrary(name: "CEdit", providers: [.apt(["libedit-dev"])]),
        // Owns include/ihub.h so that header edits re-check the Swift side.
        .target(name: "IHubAPI"),
        // The only C that touches a lua_State: sandbox, budgets, trampolines.
        .target(name: "IHubLua", dependencies: ["CLua"]),
        // The methodology's Lua files, embedded at build time (Plugins/EmbedLua).
        .executableTarget(name: "embed-lua", path: "Sources/embed-lua"),
        .plugin(name: "EmbedLua", capability: .buildTool(), dependencies: ["embed-lua"]),
        .target(name: "IHubCore", dependencies: ["CSQLite", "CPostgres", "CCSV", "IHubLua"],
                plugins: ["EmbedLua"]),
        .target(
            name: "IHub", dependencies: ["IHubCore", "IHubAPI"], exclude: ["exports.map"],
            // Only the ihub_* symbols leave libihub.so. lld, because gold keeps
            // the engine's type metadata in the dynamic symbol table.
            linkerSettings: [.unsafeFlags(["-use-ld=lld", "-Xlinker", "--version-script=\(root)Sources/IHub/exports.map"])]),
        .executableTarget(
            name: "IHubCLI",
            dependencies: ["IHubCore", "CEdit", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Sources/ihub-cli"),
        .testTarget(name: "IHubCoreTests", dependencies: ["IHubCore"]),
    ],
    swiftLanguageModes: [.v6]
)
