import Foundation
import PackagePlugin

/// Embeds the methodology's Lua files (scripts/methodology/**/*.lua) into the
/// target as Swift string constants, so libihub.so needs no files at run
/// time. The files and their folders are the command's inputs: editing a
/// file, or adding one to a folder, runs it again.
@main
struct EmbedLua: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let root = context.package.directoryURL.appending(path: "scripts/methodology")
        let (files, folders) = try luaFiles(under: root)
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedLua.swift")
        return [.buildCommand(
            displayName: "Embedding \(files.count) Lua files of scripts/methodology",
            executable: try context.tool(named: "embed-lua").url,
            arguments: [output.path, root.path],
            inputFiles: files + folders, outputFiles: [output])]
    }

    private func luaFiles(under root: URL) throws -> (files: [URL], folders: [URL]) {
        guard let walk = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isDirectoryKey]) else { return ([], []) }
        var files: [URL] = [], folders: [URL] = [root]
        for case let url as URL in walk {
            if (try url.resourceValues(forKeys: [.isDirectoryKey])).isDirectory == true { folders.append(url) }
            else if url.pathExtension == "lua" { files.append(url) }
        }
        return (files.sorted { $0.path < $1.path }, folders)
    }
}
