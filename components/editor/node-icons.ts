/**
 * The lucide icons the node registry names, imported one by one (importing lucide's whole icon map would
 * put every icon in the editor's bundle). A test checks every registry icon is here.
 */
import {
  BookOpen,
  Bot,
  Box,
  Braces,
  Brain,
  Flag,
  GitBranch,
  Globe,
  MessageSquareText,
  Play,
  Repeat,
  Split,
  TriangleAlert,
  UserCheck,
  Variable,
  Workflow,
  Wrench,
  type LucideIcon,
} from "lucide-react";

export const NODE_ICONS: Readonly<Record<string, LucideIcon>> = {
  BookOpen,
  Bot,
  Braces,
  Brain,
  Flag,
  GitBranch,
  Globe,
  MessageSquareText,
  Play,
  Repeat,
  Split,
  TriangleAlert,
  UserCheck,
  Variable,
  Workflow,
  Wrench,
};

export function nodeIcon(name: string | undefined): LucideIcon {
  return (name && NODE_ICONS[name]) || Box;
}
