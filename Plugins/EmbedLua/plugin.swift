import Foundation
import PackagePlugin

/// Embeds the methodology's Lua files (scripts/methodology/**/*.lua) into the
/// target as Swift string constants, so libihub.so needs no files at run
/// time. The files are the command's inputs: editing one rebuilds.
@main
struct EmbedLua: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let root = context.package.directoryURL.appending(path: "scripts/methodology")
        let files = try luaFiles(under: root)
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedLua.swift")
        return [.buildCommand(
            displayName: "Embedding \(files.count) Lua files of scripts/methodology",
            executable: try context.tool(named: "embed-lua").url,
            arguments: [output.path, root.path] + files.map(\.path),
            inputFiles: files, outputFiles: [output])]
    }

    private func luaFiles(under root: URL) throws -> [URL] {
        guard let walk = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else { return [] }
        return walk.compactMap { $0 as? URL }.filter { $0.pathExtension == "lua" }
            .sorted { $0.path < $1.path }
    }
}
