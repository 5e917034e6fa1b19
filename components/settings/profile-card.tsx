import { Card, CardContent, CardHeader } from "@/components/ui/card";

export function ProfileCard({ user }: { user: { name: string | null; email: string } }) {
  return (
    <Card aria-labelledby="profile-title" data-testid="profile">
      <CardHeader title={<span id="profile-title">Profile</span>} description="The account you are signed in with." />
      <CardContent>
        <dl className="grid gap-x-6 gap-y-4 sm:grid-cols-[10rem_1fr]">
          <dt className="text-[13px] font-medium text-zinc-500">Name</dt>
          <dd className="text-zinc-900">{user.name || <span className="text-zinc-400">Not set</span>}</dd>
          <dt className="text-[13px] font-medium text-zinc-500">Email</dt>
          <dd className="text-zinc-900">{user.email}</dd>
        </dl>
      </CardContent>
    </Card>
  );
}
