import { cookies } from "next/headers";
import { editorLayoutFrom, type EditorLayout } from "@/components/editor/model/layout-preference";

/** The palette and minimap as the user left them, so the editor's first paint has them right. */
export async function readEditorLayout(): Promise<EditorLayout> {
  const jar = await cookies();
  return editorLayoutFrom((name) => jar.get(name)?.value);
}
