import { Card, CardContent, CardHeader } from "@/components/ui/card";

export function ProfileCard({ user }: { user: { name: string | null; email: string } }) {
  return (
    <Card aria-labelledby="profile-title" data-testid="profile">
      <CardHeader title={<span id="profile-title">Profile</span>} description="The account you are signed in with." />
      <CardContent>
        <dl className="flex flex-col gap-4">
          <div className="grid gap-1 sm:grid-cols-[10rem_1fr] sm:gap-6">
            <dt className="text-[13px] font-medium text-zinc-500">Name</dt>
            <dd className="text-zinc-900">{user.name || <span className="text-zinc-500">Not set</span>}</dd>
          </div>
          <div className="grid gap-1 sm:grid-cols-[10rem_1fr] sm:gap-6">
            <dt className="text-[13px] font-medium text-zinc-500">Email</dt>
            <dd className="break-all text-zinc-900">{user.email}</dd>
          </div>
        </dl>
      </CardContent>
    </Card>
  );
}
