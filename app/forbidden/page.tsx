export default function Forbidden() {
  return (
    <div className="mx-auto max-w-md rounded-lg border border-slate-200 bg-white p-6">
      <h1 className="text-lg font-semibold">Not allowed</h1>
      <p className="mt-2 text-slate-600">Your role does not give access to this page. Ask an admin if you need it.</p>
    </div>
  );
}
